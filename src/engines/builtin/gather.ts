import type { z } from 'zod';
import { CommitListOutput, DeploymentListOutput, GetCommitOutput } from '../../../mcp-servers/git/schemas.js';
import { type ErrorSignature, ErrorSummaryOutput, ListServicesOutput, SearchLogsOutput } from '../../../mcp-servers/logs/schemas.js';
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

/**
 * Every server's copy of a tool: with several logs servers (files, Loki, the journal) each offers the logs tools, the
 * host renames the later copies (`journal__error_summary`), and the analysis reads them all.
 */
function copies(session: ToolSession, tool: string): string[] {
  const names = session
    .tools()
    .filter((t) => t.name === tool || t.serverToolName === tool)
    .map((t) => t.name);
  return names.length > 0 ? [...new Set(names)] : [tool];
}

/** Calls each copy of a tool; a copy that fails is noted only when every copy failed (one store may lack a service). */
async function callEach<S extends z.ZodType>(
  session: ToolSession,
  notes: string[],
  tool: string,
  args: Record<string, unknown>,
  schema: S,
): Promise<Parsed<z.infer<S>>[]> {
  const results: Parsed<z.infer<S>>[] = [];
  const failures: string[] = [];
  for (const name of copies(session, tool)) {
    const result = await callParsed(session, failures, name, args, schema);
    if (result) results.push(result);
  }
  if (results.length === 0) notes.push(...failures);
  return results;
}

/** list_services of every logs server as one: a service in several stores sums its counts and widens its span. */
async function mergedServices(session: ToolSession, notes: string[]): Promise<Parsed<z.infer<typeof ListServicesOutput>> | undefined> {
  const all = await callEach(session, notes, 'list_services', {}, ListServicesOutput);
  const [first, ...rest] = all;
  if (!first) return undefined;
  const byName = new Map(first.data.services.map((s) => [s.service, { ...s }]));
  for (const other of rest) {
    for (const s of other.data.services) {
      const known = byName.get(s.service);
      if (!known) byName.set(s.service, { ...s });
      else {
        known.entries += s.entries;
        known.errors += s.errors;
        known.warnings += s.warnings;
        if (s.firstSeen && (!known.firstSeen || s.firstSeen < known.firstSeen)) known.firstSeen = s.firstSeen;
        if (s.lastSeen && (!known.lastSeen || s.lastSeen > known.lastSeen)) known.lastSeen = s.lastSeen;
      }
    }
  }
  return { callId: first.callId, data: { ...first.data, services: [...byName.values()] } };
}

export async function discover(session: ToolSession, notes: string[]) {
  const services = await mergedServices(session, notes);
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

/**
 * Signatures of every logs server. The same signature from several stores is one symptom: counts add up, services and
 * span merge, and it cites the call of the store that saw it most (so evidence names that server).
 */
export async function errorSignatures(session: ToolSession, notes: string[], since: string, until: string) {
  const results = await callEach(session, notes, 'error_summary', { since, until, limit: LIMITS.signatures }, ErrorSummaryOutput);
  const merged = new Map<string, { value: ErrorSignature; callId: string; top: number }>();
  for (const result of results) {
    for (const value of result.data.signatures) {
      const key = `${value.level} ${value.signature}`;
      const known = merged.get(key);
      if (!known) {
        merged.set(key, { value: { ...value }, callId: result.callId, top: value.count });
        continue;
      }
      const v = known.value;
      if (value.count > known.top) {
        known.callId = result.callId;
        known.top = value.count;
        v.example = value.example;
      }
      v.count += value.count;
      v.services = [...new Set([...v.services, ...value.services])].sort();
      if (value.firstSeen && (!v.firstSeen || value.firstSeen < v.firstSeen)) v.firstSeen = value.firstSeen;
      if (value.lastSeen && (!v.lastSeen || value.lastSeen > v.lastSeen)) v.lastSeen = value.lastSeen;
    }
  }
  return [...merged.values()]
    .sort((a, b) => b.value.count - a.value.count)
    .slice(0, LIMITS.signatures)
    .map(({ value, callId }) => ({ value, callId }));
}

/** Entries matching an RE2 pattern (newest `limit` of every logs server), for change events written only to logs. */
export async function searchEntries(session: ToolSession, notes: string[], pattern: string, since: string, until: string, limit: number) {
  const results = await callEach(session, notes, 'search_logs', { pattern, regex: true, since, until, limit }, SearchLogsOutput);
  const [only] = results;
  if (results.length === 1 && only) return only.data.matches.map((value) => ({ value, callId: only.callId }));
  return results
    .flatMap((result) => result.data.matches.map((value) => ({ value, callId: result.callId })))
    .sort((a, b) => (a.value.time ?? '').localeCompare(b.value.time ?? ''))
    .slice(-limit);
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
  // The first logs server holding such an entry answers (a store without that service says so and is passed over).
  const results = await callEach(
    session,
    notes,
    'search_logs',
    { pattern, since, until, limit: 1, ...(service ? { service } : {}) },
    SearchLogsOutput,
  );
  const result = results.find((r) => r.data.matches.length > 0);
  const entry = result?.data.matches[0];
  return entry && result ? { message: entry.message, callId: result.callId } : undefined;
}
