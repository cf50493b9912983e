import type { z } from 'zod';
import { CommitListOutput, DeploymentListOutput, GetCommitOutput } from '../../../mcp-servers/git/schemas.js';
import { ErrorSummaryOutput, ListServicesOutput, SearchLogsOutput } from '../../../mcp-servers/logs/schemas.js';
import { GetAnomaliesOutput, GetErrorRatesOutput, ListMetricsOutput } from '../../../mcp-servers/metrics/schemas.js';
import type { ToolSession } from '../../agent/tool-session.js';
import type { Cited, ErrorRate } from './facts.js';

/** Result sizes: enough for a correlator to rank, small enough to keep every call quick. */
export const LIMITS = { anomalies: 40, signatures: 40, deployments: 50, commits: 100 } as const;

/** list_services notes about a file's layout or dating (mcp-servers/logs/file-notes.ts). */
const FILE_NOTE = /no level recognised|after now: |from the other files' span/;

export interface Parsed<T> {
  callId: string;
  data: T;
}

/**
 * Calls a tool through the session and parses its structured result with the server's own contract. A missing tool,
 * a failed call or an off-contract result yields undefined plus a note, so one broken server only narrows the analysis.
 */
export async function callParsed<S extends z.ZodType>(
  session: ToolSession,
  notes: string[],
  tool: string,
  args: Record<string, unknown>,
  schema: S,
): Promise<Parsed<z.infer<S>> | undefined> {
  if (!session.hasTool(tool)) {
    notes.push(`tool ${tool} is not available; analysed without it`);
    return undefined;
  }
  const call = await session.call(tool, args);
  if (!call.ok) {
    notes.push(`${call.id} ${tool} failed: ${call.outcome.text.split('\n')[0] ?? ''}`);
    return undefined;
  }
  const parsed = schema.safeParse(call.outcome.structured);
  if (!parsed.success) {
    notes.push(`${call.id} ${tool} returned data outside its contract; ignored`);
    return undefined;
  }
  return { callId: call.id, data: parsed.data };
}

export async function discover(session: ToolSession, notes: string[]) {
  const services = await callParsed(session, notes, 'list_services', {}, ListServicesOutput);
  const metrics = await callParsed(session, notes, 'list_metrics', {}, ListMetricsOutput);
  const nowText = services?.data.now ?? metrics?.data.now;
  // What the logs server says about the files themselves (levels it cannot read, lines dated in the future) is
  // something the reader of the report must see: it explains an analysis that finds nothing in them.
  for (const note of services?.data.notes ?? []) if (FILE_NOTE.test(note)) notes.push(note);
  const firstSeen = (services?.data.services ?? [])
    .map((entry) => (entry.firstSeen ? Date.parse(entry.firstSeen) : Number.NaN))
    .filter((time) => Number.isFinite(time));
  return {
    now: nowText ? new Date(nowText) : undefined,
    /** The oldest log line: rates before it are not zero, they are unknown. */
    logsFrom: firstSeen.length > 0 ? Math.min(...firstSeen) : undefined,
    series: (metrics?.data.metrics ?? []).map((entry) => ({ metric: entry.metric, tags: entry.tags })),
    services: (services?.data.services ?? []).map((entry) => entry.service).sort(),
    metricNames: [...new Set((metrics?.data.metrics ?? []).map((entry) => entry.metric))].sort(),
  };
}

export async function metricSignals(session: ToolSession, notes: string[], since: string, until: string) {
  const anomalies = await callParsed(session, notes, 'get_anomalies', { since, until, limit: LIMITS.anomalies }, GetAnomaliesOutput);
  const rates = await callParsed(session, notes, 'get_error_rates', { since, until }, GetErrorRatesOutput);
  return {
    seriesScanned: anomalies?.data.seriesScanned ?? 0,
    anomalies: (anomalies?.data.anomalies ?? []).map((value) => ({ value, callId: anomalies?.callId ?? '' })),
    errorRates: (rates?.data.services ?? []).map((value): Cited<ErrorRate> => ({ value, callId: rates?.callId ?? '' })),
  };
}

export async function errorSignatures(session: ToolSession, notes: string[], since: string, until: string) {
  const result = await callParsed(session, notes, 'error_summary', { since, until, limit: LIMITS.signatures }, ErrorSummaryOutput);
  return (result?.data.signatures ?? []).map((value) => ({ value, callId: result?.callId ?? '' }));
}

/** Entries matching an RE2 pattern (newest `limit`), for change events written only to logs. */
export async function searchEntries(session: ToolSession, notes: string[], pattern: string, since: string, until: string, limit: number) {
  const result = await callParsed(session, notes, 'search_logs', { pattern, regex: true, since, until, limit }, SearchLogsOutput);
  return (result?.data.matches ?? []).map((value) => ({ value, callId: result?.callId ?? '' }));
}

export async function changeHistory(session: ToolSession, notes: string[], since: string, until: string) {
  const deployments = await callParsed(
    session,
    notes,
    'get_deployments',
    { since, until, limit: LIMITS.deployments },
    DeploymentListOutput,
  );
  const commits = await callParsed(session, notes, 'get_recent_commits', { since, until, limit: LIMITS.commits }, CommitListOutput);
  return {
    recorded: deployments !== undefined,
    deployments: (deployments?.data.deployments ?? []).map((value) => ({ value, callId: deployments?.callId ?? '' })),
    commits: (commits?.data.commits ?? []).map((value) => ({ value, callId: commits?.callId ?? '' })),
  };
}

export async function commitDetail(session: ToolSession, notes: string[], sha: string) {
  const result = await callParsed(session, notes, 'get_commit', { sha }, GetCommitOutput);
  return result ? { value: result.data.commit, callId: result.callId } : undefined;
}

/** One full entry of a signature (newest in the window), with its continuation lines such as a stack trace. */
export async function fullEntry(
  session: ToolSession,
  notes: string[],
  pattern: string,
  service: string | undefined,
  since: string,
  until: string,
) {
  const result = await callParsed(
    session,
    notes,
    'search_logs',
    { pattern, since, until, limit: 1, ...(service ? { service } : {}) },
    SearchLogsOutput,
  );
  const entry = result?.data.matches[0];
  return entry && result ? { message: entry.message, callId: result.callId } : undefined;
}
