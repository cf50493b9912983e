import type { CommitOut } from '../../../mcp-servers/git/schemas.js';
import { parseTimeArg } from '../../../mcp-servers/shared/time.js';
import { ToolSession } from '../../agent/tool-session.js';
import type { AnalyzeRequest, Engine, Report, ToolHost } from '../../agent/types.js';
import type { Analysis } from './analysis.js';
import { buildChanges, type ScoredChange, scoreChanges } from './changes.js';
import { matchClasses } from './classes.js';
import type { Cited } from './facts.js';
import { changeHistory, commitDetail, discover, errorSignatures, fullEntry, metricSignals } from './gather.js';
import { confidenceOf, rankHypotheses, rivalOf, symptomVocabulary } from './hypotheses.js';
import { anomalyOnset, primaryServices, rankServices } from './onset.js';
import { buildReport } from './report.js';
import { causeLine, literalPrefix, type Symptom, scoreSymptoms, symptomText } from './symptoms.js';
import { otherServicesNamed } from './text.js';

export interface BuiltinOptions {
  /** How far back to look when the request gives no `since`. */
  defaultSince?: string;
}

const DEFAULT_SINCE = '6h';
/** Errors in the last minutes before a metric onset belong to the incident, not to the baseline. */
const ONSET_GUARD_MS = 10 * 60_000;
/** How many of the top symptoms may move the onset earlier when they are new. */
const ONSET_SYMPTOMS = 2;
/** Symptoms this far below the strongest are background; their services are not "affected". */
const STRONG_SYMPTOM_SHARE = 0.3;
/** Causes can precede symptoms by hours (leaks, filling disks), so changes are searched further back than the window. */
const CHANGE_LOOKBACK_MS = 24 * 3_600_000;
/** Without metrics, an onset falls back to this long before now. */
const FALLBACK_ONSET_MS = 30 * 60_000;
/** Deployments whose commits are fetched one by one when the commit list lacks them: only the few that could win. */
const MAX_DEPLOYS_TO_EXPAND = 3;
/** Symptoms whose full entry is fetched for its stack trace: the few that drive the verdict. */
const MAX_DETAIL_LOOKUPS = 2;
/** A signature's literal prefix shorter than this matches too much to find its own entries. */
const MIN_PATTERN = 8;
/** At most this many get_commit calls per analysis, whatever the deployments list. */
const MAX_COMMIT_LOOKUPS = 6;

export function createBuiltinEngine(host: ToolHost, options: BuiltinOptions = {}): Engine {
  return {
    name: 'builtin',
    analyze: (request) => analyze(host, request, options),
  };
}

async function analyze(host: ToolHost, request: AnalyzeRequest, options: BuiltinOptions): Promise<Report> {
  const started = Date.now();
  const emit = request.onEvent ?? (() => {});
  emit({ type: 'started', engine: 'builtin', incident: request.incident });
  const session = new ToolSession(host, emit, request.signal);
  const notes: string[] = [];
  // An alert's labels name the services it is about, as a human would in the incident text.
  const incidentText = [request.incident, scopeLine(request.scope), request.context ?? ''].join('\n');

  const discovered = await discover(session, notes);
  const now = discovered.now ?? new Date();
  if (!discovered.now) notes.push('no tool reported the dataset time; counted back from the wall clock');
  const windowStart = resolveSince(request.since ?? options.defaultSince ?? DEFAULT_SINCE, now, notes);
  const iso = (date: Date) => date.toISOString();

  const metrics = await metricSignals(session, notes, iso(windowStart), iso(now));
  const ranked = rankServices(metrics.anomalies, metrics.errorRates, incidentText, discovered.services);
  let primary = primaryServices(ranked);
  const found = anomalyOnset(metrics.anomalies, primary, windowStart);
  const onsetAnomaly = found?.anchor;
  let onset = onsetAnomaly
    ? new Date(onsetAnomaly.value.onset)
    : new Date(Math.max(windowStart.getTime(), now.getTime() - FALLBACK_ONSET_MS));
  const leadingAt = found ? Date.parse(found.leading.value.onset) : onset.getTime();
  if (!onsetAnomaly) notes.push('no metric anomaly marked the onset; compared the last 30 minutes with the rest of the window');
  emit({ type: 'note', message: `onset ${iso(onset)}; affected services: ${primary.join(', ') || 'unknown'}` });

  const split = new Date(Math.max(windowStart.getTime(), Math.min(leadingAt, onset.getTime() - ONSET_GUARD_MS)));
  const before = split.getTime() > windowStart.getTime() ? await errorSignatures(session, notes, iso(windowStart), iso(split)) : [];
  const after = await errorSignatures(session, notes, iso(split), iso(now));
  const symptoms = scoreSymptoms(before, after, split.getTime() - windowStart.getTime(), now.getTime() - split.getTime());
  await addDetails(session, notes, symptoms, iso(split), iso(now));
  // Only the strongest symptoms may move the onset: a handful of odd lines must not drag it back.
  const firstNovel = symptoms
    .slice(0, ONSET_SYMPTOMS)
    .filter((symptom) => symptom.novel && symptom.firstSeen)
    .map((symptom) => Date.parse(symptom.firstSeen ?? ''))
    .filter((time) => Number.isFinite(time))
    .sort((a, b) => a - b)[0];
  if (firstNovel !== undefined && firstNovel < onset.getTime()) onset = new Date(firstNovel);
  const strong = symptoms.filter((symptom) => symptom.score >= (symptoms[0]?.score ?? 0) * STRONG_SYMPTOM_SHARE);
  const symptomServices = [...new Set(strong.flatMap((symptom) => symptom.services))].sort();
  if (primary.length === 0) primary = symptomServices.slice(0, 2);

  const changeSince = new Date(Math.min(windowStart.getTime(), onset.getTime() - CHANGE_LOOKBACK_MS));
  const history = await changeHistory(session, notes, iso(changeSince), iso(now));
  const knownServices = [...new Set([...discovered.services, ...ranked.map((entry) => entry.service)])].sort();
  const ctx = {
    onset,
    primary,
    symptomServices,
    allServices: knownServices,
    symptomTokens: symptomVocabulary(symptoms, metrics.anomalies, request.incident),
    deploymentsRecorded: history.recorded && history.deployments.length > 0,
    symptomOwners: symptoms.map((symptom) => ({
      owners: [...symptom.services, ...otherServicesNamed(symptomText(symptom), symptom.services, knownServices)],
      weight: symptom.score,
    })),
  };
  let scored = scoreChanges(buildChanges(history.deployments, history.commits), ctx);
  const extra = await expandDeployments(
    session,
    notes,
    scored,
    history.commits.map((commit) => commit.value.sha),
  );
  if (extra.length > 0) scored = scoreChanges(buildChanges(history.deployments, [...history.commits, ...extra]), ctx);

  const classes = matchClasses(symptoms, metrics.anomalies, {
    knownServices: ctx.allServices,
    affected: [...new Set([...primary, ...symptomServices])],
    onset,
  });
  const hypotheses = rankHypotheses(scored, classes);
  const analysis: Analysis = {
    incident: request.incident,
    now,
    windowStart,
    onset,
    onsetAnomaly,
    ...(found && found.leading !== found.anchor ? { leadingAnomaly: found.leading } : {}),
    primary,
    anomalies: metrics.anomalies,
    errorRates: metrics.errorRates,
    symptoms,
    changes: scored,
    classes,
    hypotheses,
    confidence: confidenceOf(hypotheses[0]?.score ?? 0, rivalOf(hypotheses)?.score ?? 0),
    commitCalls: new Map([...history.commits, ...extra].map((commit) => [commit.value.sha, commit.callId])),
  };
  const report = buildReport(analysis, session, notes, Date.now() - started);
  emit({ type: 'final', report });
  return report;
}

/** Fills in each top symptom's cause line from one full entry, when the entry has continuation lines. */
async function addDetails(session: ToolSession, notes: string[], symptoms: Symptom[], since: string, until: string): Promise<void> {
  if (!session.hasTool('search_logs')) return;
  for (const symptom of symptoms.slice(0, MAX_DETAIL_LOOKUPS)) {
    const pattern = literalPrefix(symptom.signature);
    if (pattern.length < MIN_PATTERN) continue;
    const entry = await fullEntry(session, notes, pattern, symptom.services[0], since, until);
    const detail = entry ? causeLine(entry.message) : undefined;
    if (entry && detail) {
      symptom.detail = detail;
      symptom.detailCallId = entry.callId;
    }
  }
}

/** `service=checkout namespace=prod`: scope labels as words the service ranking can match. */
export function scopeLine(scope: Record<string, string> | undefined): string {
  return Object.entries(scope ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

function resolveSince(since: string, now: Date, notes: string[]): Date {
  try {
    return parseTimeArg(since, now, 'since');
  } catch {
    notes.push(`could not read since "${since}"; used ${DEFAULT_SINCE}`);
    return parseTimeArg(DEFAULT_SINCE, now, 'since');
  }
}

/** Fetches the commits of the leading deployments when the commit list did not include them (older or other branches). */
async function expandDeployments(
  session: ToolSession,
  notes: string[],
  scored: readonly ScoredChange[],
  known: readonly string[],
): Promise<Cited<CommitOut>[]> {
  // Several deployments can name the same commit (staging then production); look each one up once.
  const missing = [
    ...new Set(
      scored
        .filter((entry) => entry.change.kind === 'deployment' && !entry.afterOnset)
        .slice(0, MAX_DEPLOYS_TO_EXPAND)
        .flatMap((entry) => missingShas(entry, known)),
    ),
  ].slice(0, MAX_COMMIT_LOOKUPS);
  const out: Cited<CommitOut>[] = [];
  for (const sha of missing) {
    const commit = await commitDetail(session, notes, sha);
    if (commit) out.push(commit);
  }
  return out;
}

function missingShas(entry: ScoredChange, known: readonly string[]): string[] {
  const shipped = entry.change.commits.map((commit) => commit.sha);
  return entry.change.declaredCommits.filter(
    (sha) => !shipped.some((have) => have.startsWith(sha) || sha.startsWith(have)) && !known.some((have) => have.startsWith(sha)),
  );
}
