import type { AlertRef } from '../../agent/types.js';
import type { ParsedAlert } from './types.js';

/** Alert references passed to the engine per analysis: a group's first few alerts say which runbooks apply. */
export const MAX_ALERT_REFS = 5;
/** A runbook_url is a link, not a page of text. */
const MAX_URL_CHARS = 2_000;
/** Slack links `<https://…|label>` in an alert message's text; the label is tested for "runbook" in code. */
const SLACK_LINK = /<(https?:\/\/[^|>\s]{1,2000})\|([^<>]{0,200})>/gi;
/** Links looked at per message: an alert has a handful; a pasted page must not cost more. */
const MAX_LINKS_SCANNED = 50;

/**
 * The runbook an alert message links: a `runbook_url` (or `runbook`) label or field as the Alertmanager and Grafana
 * templates write them, else a link labelled "Runbook" in its text. Untrusted: the runbooks server resolves it.
 */
export function runbookUrlOf(alert: ParsedAlert): string | undefined {
  const labelled = Object.entries(alert.labels).find(([key]) => /^runbook(_url)?$/i.test(key))?.[1];
  const url = labelled?.trim() || linkedRunbook(alert.details);
  return url && /^https?:\/\//i.test(url) && url.length <= MAX_URL_CHARS ? url : undefined;
}

function linkedRunbook(text: string): string | undefined {
  let scanned = 0;
  for (const match of text.matchAll(SLACK_LINK)) {
    if (/runbook/i.test(match[2] ?? '')) return match[1];
    scanned += 1;
    if (scanned >= MAX_LINKS_SCANNED) return undefined;
  }
  return undefined;
}

/** Distinct (name, runbook_url) pairs, in order, at most MAX_ALERT_REFS. */
export function alertRefs(alerts: readonly { name: string; runbookUrl?: string | undefined }[]): AlertRef[] {
  const seen = new Set<string>();
  const out: AlertRef[] = [];
  for (const { name, runbookUrl } of alerts) {
    const key = `${name}\u0000${runbookUrl ?? ''}`;
    if (seen.has(key) || out.length >= MAX_ALERT_REFS) continue;
    seen.add(key);
    out.push({ name, ...(runbookUrl && runbookUrl.length <= MAX_URL_CHARS ? { runbookUrl } : {}) });
  }
  return out;
}
