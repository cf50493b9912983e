import type { StoredAnalysis } from './types.js';

/** The analysis upsert: the same columns and conflict rule as SQLite's (sqlite.ts), in PostgreSQL's placeholders. */
export const UPSERT_ANALYSIS_SQL = `
  INSERT INTO analyses (id, origin, channel, thread_ts, status_ts, state, incident, context, requested_by, fingerprint,
    tool_calls, reason, report, report_posted, post_attempts, created_at, started_at, finished_at, updated_at,
    since, scope, resolution, alerts, stream_ts)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
  ON CONFLICT (id) DO UPDATE SET thread_ts = excluded.thread_ts, status_ts = excluded.status_ts, state = excluded.state,
    context = excluded.context, tool_calls = excluded.tool_calls, reason = excluded.reason, report = excluded.report,
    report_posted = excluded.report_posted, post_attempts = excluded.post_attempts, started_at = excluded.started_at,
    finished_at = excluded.finished_at, updated_at = excluded.updated_at, resolution = excluded.resolution,
    alerts = excluded.alerts, stream_ts = excluded.stream_ts`;

/** The latest analysis of a thread wins: a later save of an older one (a report posted late) must not steal it. */
export const UPSERT_THREAD_SQL = `
  INSERT INTO threads (channel, thread_ts, analysis_id, at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (channel, thread_ts) DO UPDATE SET analysis_id = excluded.analysis_id, at = excluded.at
  WHERE excluded.at >= threads.at`;

/** UPSERT_ANALYSIS_SQL's parameters, in its column order. */
export function analysisParams(a: StoredAnalysis, updatedAt: number): unknown[] {
  return [
    a.id,
    a.origin,
    a.channel,
    a.threadTs ?? null,
    a.statusTs ?? null,
    a.state,
    a.incident,
    a.context ?? null,
    JSON.stringify(a.requestedBy),
    a.fingerprint ?? null,
    a.toolCalls,
    a.reason ?? null,
    a.report ? JSON.stringify(a.report) : null,
    a.reportPosted ? 1 : 0,
    a.postAttempts,
    a.createdAt,
    a.startedAt ?? null,
    a.finishedAt ?? null,
    updatedAt,
    a.since ?? null,
    a.scope ? JSON.stringify(a.scope) : null,
    a.resolution ?? null,
    a.alerts?.length ? JSON.stringify(a.alerts) : null,
    a.streamTs ?? null,
  ];
}
