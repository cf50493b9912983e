import type { AlertRef } from '../agent/types.js';
import type { Report } from '../report/schema.js';
import type { StoredAnalysis, StoredState } from './types.js';

/** An `analyses` row as SQLite returns it: snake_case columns, JSON in text, booleans as 0/1. */
export interface AnalysisRow {
  id: string;
  origin: string;
  channel: string;
  thread_ts: string | null;
  status_ts: string | null;
  state: string;
  incident: string;
  context: string | null;
  requested_by: string;
  fingerprint: string | null;
  tool_calls: number;
  reason: string | null;
  report: string | null;
  report_posted: number;
  post_attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  since: string | null;
  scope: string | null;
  resolution: string | null;
  alerts: string | null;
  stream_ts: string | null;
}

export function toAnalysis(row: AnalysisRow): StoredAnalysis {
  return {
    id: row.id,
    origin: row.origin,
    channel: row.channel,
    ...(row.thread_ts ? { threadTs: row.thread_ts } : {}),
    ...(row.status_ts ? { statusTs: row.status_ts } : {}),
    state: row.state as StoredState,
    incident: row.incident,
    ...(row.context !== null ? { context: row.context } : {}),
    requestedBy: JSON.parse(row.requested_by) as StoredAnalysis['requestedBy'],
    ...(row.fingerprint ? { fingerprint: row.fingerprint } : {}),
    toolCalls: row.tool_calls,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.report ? { report: JSON.parse(row.report) as Report } : {}),
    reportPosted: row.report_posted === 1,
    postAttempts: row.post_attempts,
    createdAt: row.created_at,
    ...(row.started_at !== null ? { startedAt: row.started_at } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    ...(row.since !== null ? { since: row.since } : {}),
    ...(row.scope !== null ? { scope: JSON.parse(row.scope) as Record<string, string> } : {}),
    ...(row.resolution !== null ? { resolution: row.resolution } : {}),
    ...(row.alerts !== null ? { alerts: JSON.parse(row.alerts) as AlertRef[] } : {}),
    ...(row.stream_ts !== null ? { streamTs: row.stream_ts } : {}),
  };
}
