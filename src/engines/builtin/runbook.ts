import { queryTerms } from '../../../mcp-servers/runbooks/catalog/terms.js';
import { ReadRunbookOutput, type RunbookHitOut, SearchRunbooksOutput } from '../../../mcp-servers/runbooks/schemas.js';
import type { ToolSession } from '../../agent/tool-session.js';
import type { AlertRef, AnalyzeRequest } from '../../agent/types.js';
import type { RunbookRef } from '../../report/schema.js';
import type { Analysis } from './analysis.js';
import { callParsed } from './gather.js';
import { mechanism } from './narrative.js';

/** Alerts whose runbook_url is read: a group's first few; more links the same few runbooks. */
const MAX_ALERT_RUNBOOKS = 3;
/** Services searched (the suspect's, then the most affected): one search each. */
const MAX_RUNBOOK_SERVICES = 2;
/** Sections looked at per search before giving up: a fitting runbook ranks near the top or does not fit. */
const RUNBOOK_RESULTS = 5;
/** A runbook fits only when it shares this many words with the failure, at least one of them the failure class's. */
const MIN_SHARED_WORDS = 2;
/** Without a failure class, the error signature alone must share this many. */
const MIN_SIGNATURE_WORDS = 3;

export interface RunbookQuery {
  /** The suspect's service first, then the affected ones. */
  services: readonly string[];
  /** The failure class the correlator found: its key and title (e.g. pool, saturated resource pool …). */
  failureClass?: { key: string; title: string } | undefined;
  /** The top error signature. */
  signature?: string | undefined;
  alerts?: readonly AlertRef[] | undefined;
}

/**
 * The team's runbook for what was found, or nothing. An alert's runbook_url is read first (the team linked it to this
 * alert); otherwise runbooks are searched with the failure class and top signature, per affected service, and a
 * section counts only when it declares the alert, or covers the service and shares the failure's words. A near miss
 * (the right service, another failure; the right failure, another service) is never shown.
 */
export async function findRunbook(session: ToolSession, notes: string[], query: RunbookQuery): Promise<RunbookRef | undefined> {
  if (!session.hasTool('search_runbooks')) return undefined;
  for (const alert of (query.alerts ?? []).filter((a) => a.runbookUrl).slice(0, MAX_ALERT_RUNBOOKS)) {
    const read = await callParsed(session, notes, 'read_runbook', { url: alert.runbookUrl }, ReadRunbookOutput);
    if (read && read.data.section.steps.length > 0) {
      const { data } = read;
      return {
        id: data.id,
        title: data.title,
        section: data.section.title,
        ...(data.link ? { link: data.link } : {}),
        steps: data.section.steps,
        why: [`linked from alert ${alert.name} (runbook_url)`],
        tool: read.callId,
      };
    }
  }
  const classTerms = new Set(query.failureClass ? queryTerms(`${query.failureClass.key} ${query.failureClass.title}`) : []);
  const text = [query.failureClass?.title ?? '', query.signature ?? ''].join(' ').trim();
  const alert = query.alerts?.[0]?.name;
  // Words of the failure only: the alert's name ranks runbooks that mention it, but `Failing` is no shared failure.
  const failureTerms = new Set(queryTerms(text));
  if (failureTerms.size === 0 && !alert) return undefined;
  for (const service of query.services.slice(0, MAX_RUNBOOK_SERVICES)) {
    const found = await callParsed(
      session,
      notes,
      'search_runbooks',
      { query: text, service, ...(alert ? { alert } : {}), limit: RUNBOOK_RESULTS },
      SearchRunbooksOutput,
    );
    const hit = found?.data.results.find((result) =>
      fits(result, classTerms, failureTerms, new Set(queryTerms([service, ...result.services].join(' ')))),
    );
    if (!found || !hit) continue;
    const why = whyOf(hit, service);
    // The best procedure section of that runbook in the results; else (the words matched its Symptoms) read its procedure.
    const procedure = found.data.results.find((result) => result.id === hit.id && result.procedure && result.steps.length > 0);
    if (procedure) return refOf(procedure, procedure.sectionTitle, procedure.steps, why, found.callId, procedure.link);
    const read = await callParsed(session, notes, 'read_runbook', { id: hit.id }, ReadRunbookOutput);
    if (read && read.data.section.steps.length > 0)
      return refOf(hit, read.data.section.title, read.data.section.steps, why, read.callId, read.data.link);
  }
  return undefined;
}

/** What the correlator found, as a runbook search: the suspect's service first, the class, the top signature. */
export function runbookQuery(analysis: Analysis, request: AnalyzeRequest): RunbookQuery {
  const best = analysis.hypotheses[0];
  // Only a class the analysis stands behind: the hypothesis', the mechanism of a change, or the leading class when
  // metrics of an affected service show it too (a class from log words alone would look for another failure's runbook).
  const leading = analysis.classes[0];
  const measured = leading && leading.anomalies.length > 0 && analysis.primary.includes(leading.service ?? '') ? leading : undefined;
  const cls = best?.cls ?? mechanism(analysis) ?? measured;
  const suspectService = best?.change?.change.service ?? best?.cls?.service ?? undefined;
  const services = [...new Set([...(suspectService ? [suspectService] : []), ...analysis.primary])];
  const alerts = request.alerts ?? (request.scope?.alertname ? [{ name: request.scope.alertname }] : []);
  return {
    services,
    ...(cls ? { failureClass: { key: cls.cls.key, title: cls.cls.title } } : {}),
    ...(analysis.symptoms[0] ? { signature: analysis.symptoms[0].signature } : {}),
    alerts,
  };
}

/**
 * Declared for the alert; or the service's own runbook sharing the failure's words, one of them the class's. Words of
 * the service's name (`api` of checkout-api) say which service, not which failure, and do not count; nor do words
 * that came only from the alert's name.
 */
export function fits(
  hit: RunbookHitOut,
  classTerms: ReadonlySet<string>,
  failureTerms: ReadonlySet<string>,
  nameTerms: ReadonlySet<string>,
): boolean {
  if (hit.why.alert) return true;
  if (hit.why.service !== 'declared' && hit.why.service !== 'path') return false;
  const shared = hit.why.terms.filter((term) => failureTerms.has(term) && !nameTerms.has(term));
  // `timeout` and `timeouts` are one word shared, not two.
  const distinct = new Set(shared.map((term) => (term.length >= 5 ? term.replace(/(?:es|s|ed|ing)$/, '') : term))).size;
  if (classTerms.size === 0) return distinct >= MIN_SIGNATURE_WORDS;
  return distinct >= MIN_SHARED_WORDS && shared.some((term) => classTerms.has(term));
}

function whyOf(hit: RunbookHitOut, service: string): string[] {
  return [
    ...(hit.why.alert ? [`declared for alert ${hit.why.alert}`] : []),
    ...(hit.why.service ? [`for ${service} (${hit.why.service === 'declared' ? 'its front matter' : 'its folder'})`] : []),
    ...(hit.why.terms.length > 0 ? [`shares ${hit.why.terms.join(', ')} with the failure`] : []),
  ];
}

function refOf(hit: RunbookHitOut, section: string, steps: string[], why: string[], tool: string, link: string | undefined): RunbookRef {
  return { id: hit.id, title: hit.title, section, ...(link ? { link } : {}), steps, why, tool };
}
