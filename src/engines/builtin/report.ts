import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { ToolSession } from '../../agent/tool-session.js';
import { finalizeReport, type ReportDraft } from '../../report/finalize.js';
import type { Evidence, Report, TimelineEntry } from '../../report/schema.js';
import type { Analysis } from './analysis.js';
import type { ScoredChange } from './changes.js';
import { clip, describeAnomaly, describeChange, firstLine, round } from './describe.js';
import type { Hypothesis } from './hypotheses.js';
import { alternativesOf, recommendationsOf, rootCauseOf, summaryOf } from './narrative.js';
import { changeHeadline, commitsByMatch } from './prose.js';
import { quoteFrom } from './quotes.js';
import type { Symptom } from './symptoms.js';

/** Evidence items per kind: enough to back the conclusion, few enough to read in a Slack message. */
const MAX_ANOMALY_EVIDENCE = 3;
const MAX_RATE_EVIDENCE = 2;
const MAX_SYMPTOM_EVIDENCE = 3;
const MAX_COMMIT_EVIDENCE = 2;
/** Outputs cut long lines; the start of a cause line is enough to find it. */
const DETAIL_NEEDLE = 60;

/** Collects evidence items, each quoting its own call's output so the quote can be checked. */
class EvidenceBook {
  readonly items: Evidence[] = [];
  private readonly keys = new Map<string, string>();

  constructor(private readonly session: ToolSession) {}

  add(key: string, source: string, callId: string, summary: string, needles: (string | readonly string[] | null | undefined)[]): string {
    const existing = this.keys.get(key);
    if (existing) return existing;
    const id = `E${this.items.length + 1}`;
    const quote = quoteFrom(this.session.outputOf(callId), needles);
    this.items.push({ id, source, tool: callId, summary, ...(quote ? { quote } : {}) });
    this.keys.set(key, id);
    return id;
  }
}

export function buildReport(analysis: Analysis, session: ToolSession, notes: string[], durationMs: number): Report {
  const book = new EvidenceBook(session);
  const timeline: TimelineEntry[] = [];
  const best = analysis.hypotheses[0];
  const relevant = analysis.anomalies.filter(({ value }) => value.service === null || analysis.primary.includes(value.service));

  const changeEvidence = (scored: ScoredChange): string => {
    const change = scored.change;
    const id = book.add(
      `change:${change.id}`,
      change.kind === 'deployment' ? 'deployments' : change.live ? 'logs' : 'git',
      change.callId,
      `${describeChange(scored)} at ${change.at}: ${changeHeadline(scored)}`,
      change.needles,
    );
    timeline.push({
      at: change.at,
      source: change.kind === 'deployment' ? 'deployments' : change.live ? 'logs' : 'git',
      event: `${describeChange(scored)}`,
      evidence: [id],
    });
    return id;
  };
  const commitEvidence = (scored: ScoredChange) => {
    if (scored.change.kind !== 'deployment') return;
    for (const commit of commitsByMatch(scored).slice(0, MAX_COMMIT_EVIDENCE)) {
      const callId = analysis.commitCalls?.get(commit.sha) ?? scored.change.callId;
      book.add(
        `commit:${commit.sha}`,
        'git',
        callId,
        `commit ${commit.shortSha} shipped in ${scored.change.id}: ${firstLine(commit.message)}`,
        [firstLine(commit.message), commit.shortSha],
      );
    }
  };

  if (best?.change) {
    changeEvidence(best.change);
    commitEvidence(best.change);
  }
  if (analysis.onsetAnomaly) {
    const { value, callId } = analysis.onsetAnomaly;
    const id = book.add(`anomaly:${anomalyKey(value)}`, 'metrics', callId, describeAnomaly(value), anomalyNeedles(value));
    timeline.push({ at: value.onset, source: 'metrics', event: `${value.metric} leaves its baseline (onset)`, evidence: [id] });
  }
  if (analysis.leadingAnomaly) {
    const { value, callId } = analysis.leadingAnomaly;
    const id = book.add(`anomaly:${anomalyKey(value)}`, 'metrics', callId, describeAnomaly(value), anomalyNeedles(value));
    timeline.push({ at: value.onset, source: 'metrics', event: `${value.metric} starts rising ahead of the symptoms`, evidence: [id] });
  }
  for (const { value, callId } of relevant.slice(0, MAX_ANOMALY_EVIDENCE)) {
    const id = book.add(`anomaly:${anomalyKey(value)}`, 'metrics', callId, describeAnomaly(value), anomalyNeedles(value));
    timeline.push({ at: value.peakAt, source: 'metrics', event: `${value.metric} peaks at ${round(value.peak)}`, evidence: [id] });
  }
  for (const { value, callId } of analysis.errorRates.filter(({ value }) => value.status !== 'ok').slice(0, MAX_RATE_EVIDENCE)) {
    book.add(
      `rate:${value.service}`,
      'metrics',
      callId,
      `${value.service} error rate ${value.status}: ${fmt(value.baseline)} → ${fmt(value.current)}`,
      // The service's own line first: the metric name alone would quote the first service listed.
      [[`${value.service}:`, value.metric], value.service, value.metric],
    );
  }
  for (const symptom of analysis.symptoms.slice(0, MAX_SYMPTOM_EVIDENCE)) {
    const id = book.add(`symptom:${symptom.signature}`, 'logs', symptom.callId, symptomSummary(symptom), [
      symptom.example,
      symptom.signature,
    ]);
    if (symptom.detail && symptom.detailCallId) {
      book.add(
        `detail:${symptom.signature}`,
        'logs',
        symptom.detailCallId,
        `full entry of "${clip(symptom.signature, 80)}": ${clip(symptom.detail, 160)}`,
        [symptom.detail.slice(0, DETAIL_NEEDLE)],
      );
    }
    if (symptom.firstSeen && symptom.novel)
      timeline.push({ at: symptom.firstSeen, source: 'logs', event: `first "${clip(symptom.signature, 80)}"`, evidence: [id] });
  }
  if (analysis.cascade) {
    const { value, callId } = analysis.cascade.outbound;
    const id = book.add(`anomaly:${anomalyKey(value)}`, 'metrics', callId, describeAnomaly(value), anomalyNeedles(value));
    timeline.push({
      at: value.onset,
      source: 'metrics',
      event: `${analysis.cascade.caller} → ${analysis.cascade.dependency} calls jump`,
      evidence: [id],
    });
  }
  for (const { value, callId } of analysis.quiet?.sideEffects.slice(0, 1) ?? []) {
    book.add(`anomaly:${anomalyKey(value)}`, 'metrics', callId, `rollout side effect: ${describeAnomaly(value)}`, anomalyNeedles(value));
  }
  if (best?.cls) {
    for (const { value, callId } of best.cls.anomalies.slice(0, 2)) {
      book.add(`anomaly:${anomalyKey(value)}`, 'metrics', callId, describeAnomaly(value), anomalyNeedles(value));
    }
  }
  const runnerUpChange = analysis.hypotheses.slice(1).find((hypothesis) => hypothesis.change)?.change;
  if (runnerUpChange) changeEvidence(runnerUpChange);

  const suspect = suspectOf(best, analysis);
  const draft: ReportDraft = {
    incident: analysis.incident,
    window: { start: analysis.windowStart.toISOString(), end: analysis.now.toISOString() },
    summary: summaryOf(analysis),
    rootCause: rootCauseOf(analysis),
    confidence: analysis.confidence,
    ...(suspect ? { suspect } : {}),
    timeline: timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.event.localeCompare(b.event)),
    evidence: book.items,
    recommendations: withRunbookSteps(recommendationsOf(analysis), analysis),
    ...(analysis.runbook ? { runbook: analysis.runbook } : {}),
    alternatives: alternativesOf(analysis),
    engine: 'builtin',
    durationMs,
    ...(analysis.incomplete?.length ? { incomplete: analysis.incomplete } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  return finalizeReport(draft, session);
}

/** Runbook steps recommended, each naming its step; they follow the first action (a rollback stays first). */
const RUNBOOK_RECOMMENDATIONS = 3;

function withRunbookSteps(recommendations: string[], analysis: Analysis): string[] {
  const runbook = analysis.runbook;
  if (!runbook) return recommendations;
  const where = `runbook "${clip(runbook.title, 80)}"${runbook.section ? ` › ${clip(runbook.section, 60)}` : ''}`;
  const steps = runbook.steps.slice(0, RUNBOOK_RECOMMENDATIONS).map((step, index) => `${clip(step, 200)} (${where}, step ${index + 1})`);
  return [...recommendations.slice(0, 1), ...steps, ...recommendations.slice(1)];
}

function suspectOf(best: Hypothesis | undefined, analysis: Analysis): Report['suspect'] {
  if (analysis.quiet) return { kind: 'unknown' };
  if (!best || best.score <= 0) return { kind: 'unknown', ...(analysis.primary[0] ? { service: analysis.primary[0] } : {}) };
  if (best.change) {
    // A deployment belongs to the service it deployed; a commit is placed by the affected service it touches.
    const deployed = best.change.change.kind === 'deployment' || best.change.change.live ? best.change.change.service : undefined;
    const service =
      deployed ?? best.change.touches.find((name) => analysis.primary.includes(name)) ?? best.change.change.service ?? undefined;
    return { kind: best.change.change.kind, id: best.change.change.id, ...(service ? { service } : {}) };
  }
  const service = best.cls?.service ?? analysis.primary[0];
  return { kind: best.kind, ...(service ? { service } : {}) };
}

/** The anomaly's own line (metric and onset together) before any line naming the metric. */
function anomalyNeedles(anomaly: AnomalyOut): (string | string[])[] {
  return [[anomaly.metric, anomaly.onset, ...Object.values(anomaly.tags)], [anomaly.metric, anomaly.onset], anomaly.metric];
}

function anomalyKey(anomaly: AnomalyOut): string {
  return `${anomaly.metric}${JSON.stringify(anomaly.tags)}`;
}

function symptomSummary(symptom: Symptom): string {
  const change = symptom.novel ? 'new since the onset' : `×${round(symptom.growth)} the earlier rate`;
  return `"${clip(symptom.signature, 120)}": ${symptom.after} after the onset vs ${symptom.before} before (${change})`;
}

function fmt(value: number | null): string {
  return value === null ? '?' : round(value);
}
