import type { Report } from './schema.js';

/**
 * "Nothing abnormal" is an all-clear, and an all-clear during an incident is dangerous when it rests on a source that
 * never answered. Everything here decides which configured sources did not answer and how a report says so.
 */

export interface MissingSource {
  /** The MCP server's name (logs, git, metrics …). */
  source: string;
  /** Why: the server's start-up error, or the first failure of its calls. */
  reason: string;
}

/** Longest reason kept: one line, enough to name the variable or file to fix. */
const REASON_CHARS = 200;

function oneLine(text: string): string {
  const line = (text.split('\n').find((item) => item.trim() !== '') ?? '').trim();
  return line.length > REASON_CHARS ? `${line.slice(0, REASON_CHARS - 1)}…` : line;
}

export function missingSource(source: string, reason: string): MissingSource {
  return { source, reason: oneLine(reason) || 'no answer' };
}

/** Servers whose every call in an analysis failed: a source that was asked and never answered. */
export function failedSources(calls: ReadonlyArray<{ server: string; ok: boolean; text: string }>): MissingSource[] {
  const byServer = new Map<string, { ok: boolean; firstError?: string }>();
  for (const call of calls) {
    const entry = byServer.get(call.server) ?? { ok: false };
    if (call.ok) entry.ok = true;
    else entry.firstError ??= call.text;
    byServer.set(call.server, entry);
  }
  return [...byServer]
    .filter(([server, entry]) => !entry.ok && server !== 'unknown')
    .map(([server, entry]) => missingSource(server, entry.firstError ?? ''));
}

/** One list per source, the first reason kept. */
export function mergeMissing(...lists: ReadonlyArray<readonly MissingSource[] | undefined>): MissingSource[] {
  const out = new Map<string, MissingSource>();
  for (const list of lists) for (const item of list ?? []) if (!out.has(item.source)) out.set(item.source, item);
  return [...out.values()];
}

/** `logs unavailable (LOGS_PATH …); git unavailable (…)`. */
export function describeMissing(missing: readonly MissingSource[]): string {
  return missing.map((item) => `${item.source} unavailable (${item.reason})`).join('; ');
}

/** A report with no cause named is the one a missing source could turn into a false all-clear. */
function namesNoCause(report: Report): boolean {
  return !report.suspect || report.suspect.kind === 'unknown';
}

/**
 * Stamps what was missing on any engine's report. A report that names no cause becomes the "incomplete" verdict at
 * low confidence (its text cannot stand as an all-clear); one that names a cause keeps it and says what it lacked.
 */
export function markIncomplete(report: Report, missing: readonly MissingSource[]): Report {
  const { incomplete: _ignored, ...rest } = report;
  if (missing.length === 0) return rest;
  const what = describeMissing(missing);
  if (!namesNoCause(report)) {
    return { ...rest, incomplete: [...missing], notes: [`analysed without ${what}`, ...(report.notes ?? [])] };
  }
  const already = report.summary.startsWith('incomplete:');
  return {
    ...rest,
    incomplete: [...missing],
    confidence: 'low',
    summary: already ? report.summary : `incomplete: ${what}; no cause found in the sources that answered`,
    rootCause: already
      ? report.rootCause
      : `The analysis is incomplete: ${what}. No all-clear can be given while a source is missing: the evidence it holds was never seen. ${report.rootCause}`,
  };
}

/** Servers configured but not serving now, with the error that keeps them down. */
export function downServers(servers: ReadonlyArray<{ name: string; state: string; error?: string }>): MissingSource[] {
  return servers
    .filter((server) => server.state !== 'ready')
    .map((server) => missingSource(server.name, server.error ?? `server ${server.state}`));
}
