import { ToolSession } from '../../agent/tool-session.js';
import type { AgentEvent, AnalyzeRequest, Engine, Report, ToolHost } from '../../agent/types.js';
import { failedSources, mergeMissing } from '../../report/completeness.js';
import type { Analysis } from './analysis.js';
import { blamedDependency, findCascade, namedUnobserved } from './cascade.js';
import { buildChanges, type Change, type ChangeContext, scoreChanges } from './changes.js';
import { matchClasses } from './classes.js';
import { traceCode, withTraced } from './code-trace.js';
import { chooseCauseCommits } from './culprit.js';
import { BOTH_SIDES_FACTOR, clearedByDimension, findConcentration } from './dimensions.js';
import { calibrate, evidenceFor, evidenceNote } from './evidence.js';
import { changeHistory, discover, errorSignatures, metricSignals } from './gather.js';
import { findLockHolder, isLockWait } from './holder.js';
import { attributeHosts, hostMap, noisyNeighbour } from './hosts.js';
import { confidenceOf, rankHypotheses, rivalOf, symptomVocabulary } from './hypotheses.js';
import { infraClass, linkInfrastructure, withLinkedInfra } from './infra.js';
import { withClusterChanges } from './kubernetes-changes.js';
import { clusterState } from './kubernetes-gather.js';
import { applyClusterVerdicts, clusterSymptoms, mergeSymptoms, nodeCauses } from './kubernetes-verdicts.js';
import { logVisibleChanges } from './log-changes.js';
import { anomalyOnset, primaryServices, rankServices } from './onset.js';
import { breakTiesWithPast } from './past.js';
import { checkQuiet, withoutSideEffects } from './quiet.js';
import { buildReport } from './report.js';
import { leftBehindBy, weighLeftBehind } from './rollout.js';
import { findRunbook, runbookQuery } from './runbook.js';
import { correctSkew, estimateSkews } from './skew.js';
import { leadWithExhausted, SLOW_LOOKBACK_DAYS, SLOW_TIME_SCALE_MS, slowExhaustion, weighSlowExhaustion } from './slow.js';
import { addDetails, DEFAULT_SINCE, expandDeployments, resolveSince } from './stages.js';
import { applySustain, findSustain } from './sustain.js';
import { scoreSymptoms, symptomText } from './symptoms.js';
import { otherServicesNamed, scopeLine } from './text.js';

export interface BuiltinOptions {
  /** How far back to look when the request gives no `since`. */
  defaultSince?: string;
}

/** Errors in the last minutes before a metric onset belong to the incident, not to the baseline. */
const ONSET_GUARD_MS = 10 * 60_000;
/** The coarsest bucket a metric onset may be the start of. */
const ONSET_BUCKET_MS = 10 * 60_000;
/** How many of the top symptoms may move the onset earlier when they are new. */
const ONSET_SYMPTOMS = 2;
/** Symptoms this far below the strongest are background; their services are not "affected". */
const STRONG_SYMPTOM_SHARE = 0.3;
/** Causes can precede symptoms by hours (leaks, filling disks), so changes are searched further back than the window. */
const CHANGE_LOOKBACK_MS = 24 * 3_600_000;
/** Without metrics, an onset falls back to this long before now. */
const FALLBACK_ONSET_MS = 30 * 60_000;
/** A caller's load jump this long before the onset still marks when it changed behaviour; earlier is drift. */
const CASCADE_LEAD_MS = 30 * 60_000;
/** Failure classes a caller's fan-out produces in its dependency, and what is left of their score then. */
const FANOUT_EFFECTS = new Set(['surge', 'pool', 'cpu']);
const FANOUT_DISCOUNT = 0.3;
/** The most services treated as primary once a cascade's caller joins them. */
const MAX_PRIMARY = 3;

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

  emit({ type: 'stage', title: 'Finding the services, metrics and time range' });
  const discovered = await discover(session, notes);
  const now = discovered.now ?? new Date();
  if (!discovered.now) notes.push('no tool reported the dataset time; counted back from the wall clock');
  const windowStart = resolveSince(request.since ?? options.defaultSince ?? DEFAULT_SINCE, now, notes);
  const iso = (date: Date) => date.toISOString();

  emit({ type: 'stage', title: 'Looking for metric anomalies and error rates' });
  const metrics = await metricSignals(session, notes, iso(windowStart), iso(now));
  // Deploys are read early: a rollout's own CPU bump or memory drop must not become the incident's onset.
  emit({ type: 'stage', title: 'Reading deployments and commits' });
  let history = await changeHistory(session, notes, iso(new Date(windowStart.getTime() - CHANGE_LOOKBACK_MS)), iso(now));
  // The cluster's own record of what changed and what is failing, when a kubernetes server is configured.
  const cluster = await clusterState(session, notes, iso(new Date(windowStart.getTime() - CHANGE_LOOKBACK_MS)), iso(now), emit);
  const { kept, sideEffects } = withoutSideEffects(metrics.anomalies, history.deployments);
  const hosts = attributeHosts(kept, hostMap(discovered.series));
  const anomalies = hosts.anomalies;
  const ranked = rankServices(anomalies, metrics.errorRates, incidentText, discovered.services);
  let primary = primaryServices(ranked);
  const found = anomalyOnset(anomalies, primary, windowStart);
  const onsetAnomaly = found?.anchor;
  let onset = onsetAnomaly
    ? new Date(onsetAnomaly.value.onset)
    : new Date(Math.max(windowStart.getTime(), now.getTime() - FALLBACK_ONSET_MS));
  const leadingAt = found ? Date.parse(found.leading.value.onset) : onset.getTime();
  if (!onsetAnomaly) notes.push('no metric anomaly marked the onset; compared the last 30 minutes with the rest of the window');
  emit({ type: 'note', message: `onset ${iso(onset)}; affected services: ${primary.join(', ') || 'unknown'}` });

  const split = new Date(Math.max(windowStart.getTime(), Math.min(leadingAt, onset.getTime() - ONSET_GUARD_MS)));
  // Rates before the split count only the time the logs cover: a 6 h window over 4 h of logs is 4 h of baseline.
  const covered = Math.max(windowStart.getTime(), discovered.logsFrom ?? windowStart.getTime());
  emit({ type: 'stage', title: 'Comparing error signatures before and after the onset' });
  const before = split.getTime() > windowStart.getTime() ? await errorSignatures(session, notes, iso(windowStart), iso(split)) : [];
  const after = await errorSignatures(session, notes, iso(split), iso(now));
  const symptoms = scoreSymptoms(before, after, Math.max(0, split.getTime() - covered), now.getTime() - split.getTime());
  correctSkew(symptoms, await estimateSkews(session, notes, history.deployments, symptoms, onset));
  await addDetails(session, notes, symptoms, iso(split), iso(now));
  mergeSymptoms(symptoms, clusterSymptoms(cluster, symptoms));
  // Only the strongest symptoms may move the onset: a handful of odd lines must not drag it back.
  const firstNovel = symptoms
    .slice(0, ONSET_SYMPTOMS)
    .filter((symptom) => symptom.novel && symptom.firstSeen)
    .map((symptom) => Date.parse(symptom.firstSeen ?? ''))
    .filter((time) => Number.isFinite(time))
    .sort((a, b) => a - b)[0];
  // Without a metric onset the fallback is only a guess: the first burst of new error signatures is the onset then,
  // later as well as earlier, and the report says it came from the logs.
  // A metric onset is the start of its bucket: the first new error inside that bucket dates the onset to the minute, so
  // a change made a few minutes into the bucket is not taken for one made after the onset.
  const inBucket = firstNovel !== undefined && firstNovel > onset.getTime() && firstNovel - onset.getTime() <= ONSET_BUCKET_MS;
  if (firstNovel !== undefined && (firstNovel < onset.getTime() || !onsetAnomaly || inBucket)) {
    if (!onsetAnomaly) notes.push(`onset taken from the logs: the first new error signature at ${iso(new Date(firstNovel))}`);
    onset = new Date(firstNovel);
  }
  const strong = symptoms.filter((symptom) => symptom.score >= (symptoms[0]?.score ?? 0) * STRONG_SYMPTOM_SHARE);
  const symptomServices = [...new Set(strong.flatMap((symptom) => symptom.services))].sort();
  if (primary.length === 0) primary = symptomServices.slice(0, 2);

  const base = { incident: request.incident, now, windowStart, onset, primary, errorRates: metrics.errorRates, symptoms };
  const quiet = checkQuiet({
    anomalies,
    sideEffects,
    errorRates: metrics.errorRates,
    symptoms,
    seriesScanned: metrics.seriesScanned,
    signaturesChecked: new Set([...before, ...after].map(({ value }) => value.signature)).size,
  });
  // A service known only from its deployments is still ours: errors that name it make it a candidate with its changes.
  const deployed = history.deployments.map(({ value }) => value.service).filter((service): service is string => !!service);
  const knownServices = [...new Set([...discovered.services, ...ranked.map((entry) => entry.service), ...deployed])].sort();
  // "Nothing abnormal" only when every configured source answered: one down at the start or failing every call
  // turns the quiet verdict into "incomplete".
  const missing = mergeMissing(
    request.unavailable,
    failedSources(session.all().map((call) => ({ server: call.server, ok: call.ok, text: call.outcome.text }))),
  );
  if (quiet.quiet) {
    const recent = buildChanges(history.deployments, history.commits).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    const analysis: Analysis = {
      ...base,
      anomalies,
      changes: [],
      classes: [],
      hypotheses: [],
      confidence: 'low',
      quiet,
      recentChange: recent[0],
      ...(missing.length > 0 ? { incomplete: missing } : {}),
    };
    return finish(analysis, session, notes, started, emit, request);
  }

  // The service the callers' errors name, when it is in trouble itself, is where the failure sits.
  const blamed = blamedDependency(
    symptoms.map((symptom) => ({ ...symptom, named: otherServicesNamed(symptomText(symptom), symptom.services, knownServices) })),
    anomalies,
  );
  // A dependency the errors name that reports nothing of its own (no logs, no series) cannot be shown healthy:
  // when most of the errors blame it, it leads, and its own changes are candidates.
  const unobserved = blamed
    ? undefined
    : namedUnobserved(
        symptoms.map((symptom) => ({ ...symptom, named: otherServicesNamed(symptomText(symptom), symptom.services, knownServices) })),
        new Set([...discovered.services, ...anomalies.map(({ value }) => value.service ?? '')]),
      );
  const lead = blamed ?? unobserved;
  if (lead) primary = [lead, ...primary.filter((service) => service !== lead)].slice(0, MAX_PRIMARY);
  // Follow the load to its source: a caller that multiplied its calls to a saturated service is where to look.
  const cascade = findCascade(anomalies, [...new Set([...primary, ...symptomServices])]);
  let changeOnset = onset;
  if (cascade?.internal) {
    primary = [cascade.caller, ...primary.filter((service) => service !== cascade.caller)].slice(0, MAX_PRIMARY);
    // The jump's own onset is when the caller changed behaviour, unless it is a slow drift long before the incident.
    const jumpAt = Date.parse(cascade.outbound.value.onset);
    if (jumpAt >= onset.getTime() - CASCADE_LEAD_MS) changeOnset = new Date(Math.min(onset.getTime(), jumpAt));
  }
  // Follow the lock to its holder: requests waiting on a lock fail because of whoever keeps it, not of their own.
  const holder = findLockHolder(anomalies, symptoms, knownServices);
  if (holder) primary = [holder.service, ...primary.filter((service) => service !== holder.service)].slice(0, MAX_PRIMARY);
  // Slow exhaustion: a resource of an affected service climbing toward its limit without a sharp onset started long
  // before the symptoms, so the change that started it is looked for days back, on a time scale of days.
  const climbing = slowExhaustion(anomalies, primary, windowStart);
  if (climbing) {
    primary = leadWithExhausted(primary, climbing, MAX_PRIMARY);
    notes.push(
      `${climbing.value.metric} of ${climbing.value.service} climbs gradually toward a limit; looked ${SLOW_LOOKBACK_DAYS} days back for changes`,
    );
    history = await changeHistory(session, notes, iso(new Date(windowStart.getTime() - SLOW_LOOKBACK_DAYS * 86_400_000)), iso(now));
  }
  // Errors name code: the commits that touched it, however old, and the deployments that shipped them are candidates.
  const traced = await traceCode(session, notes, symptoms, new Set(history.commits.map(({ value }) => value.sha)), now);
  if (traced.commits.length > 0) history = withTraced(history, traced);
  const logChanges = await logVisibleChanges(session, notes, {
    since: windowStart,
    onset: changeOnset,
    now,
    knownServices,
    deployments: history.deployments.map(({ value }) => ({ service: value.service, at: value.deployedAt })),
  });
  const ctx: ChangeContext = {
    onset: changeOnset,
    primary,
    symptomServices: [...new Set([...symptomServices, ...(cascade ? [cascade.caller] : []), ...(holder ? [holder.service] : [])])],
    allServices: knownServices,
    symptomTokens: symptomVocabulary(symptoms, anomalies, request.incident),
    codeSymptoms: symptoms,
    deploymentsRecorded: history.recorded && history.deployments.length > 0,
    ...(climbing ? { timeScaleMs: SLOW_TIME_SCALE_MS } : {}),
    // A lock wait belongs to the lock's holder as much as to the services that waited.
    symptomOwners: symptoms.map((symptom) => ({
      owners: [
        ...symptom.services,
        ...otherServicesNamed(symptomText(symptom), symptom.services, knownServices),
        ...(holder && isLockWait(symptomText(symptom)) ? [holder.service] : []),
      ],
      weight: symptom.score,
    })),
  };
  let clusterChanges = withClusterChanges([], undefined);
  const candidates = (commits = history.commits): Change[] => {
    clusterChanges = withClusterChanges([...buildChanges(history.deployments, commits), ...logChanges], cluster);
    return clusterChanges.changes;
  };
  let scored = scoreChanges(candidates(), ctx);
  const extra = await expandDeployments(
    session,
    notes,
    scored,
    history.commits.map((commit) => commit.value.sha),
  );
  if (extra.length > 0) scored = scoreChanges(candidates([...history.commits, ...extra]), ctx);
  const verdicts = applyClusterVerdicts(scored, cluster, clusterChanges, ctx.symptomServices);
  // Inside a release, the commit whose code the errors ran through, not the one raising the limit they exhaust.
  chooseCauseCommits(scored, symptoms);

  // Symptoms confined to some regions/zones/clusters/versions clear the changes that reached the healthy ones too.
  const concentration = findConcentration(anomalies, discovered.series, primary);
  const cleared = clearedByDimension(
    scored.map((entry) => entry.change),
    concentration,
    new Map(scored.map((entry) => [entry.change.id, entry.touches])),
  );
  // Only the versions a rollout left behind fail: the rollout is the finding, the releases it replaced are not.
  const left = leftBehindBy(
    scored.map((entry) => entry.change),
    concentration,
    onset,
  );
  if (left && concentration) {
    weighLeftBehind(left, scored, cleared);
    concentration.leftBehind = left;
  }
  if (cleared.size > 0 || left) {
    for (const entry of scored) if (cleared.has(entry.change.id)) entry.score *= BOTH_SIDES_FACTOR;
    scored.sort((a, b) => b.score - a.score || a.change.id.localeCompare(b.change.id));
  }
  const affected = [...new Set([...primary, ...symptomServices])];
  // Infrastructure series that name no service are linked to the failing service through the place they share; the
  // failure classes then see them as that service's, not an exporter's.
  const links = linkInfrastructure(anomalies, discovered.series, affected);
  const classes = matchClasses(symptoms, withLinkedInfra(anomalies, links), { knownServices, affected, onset });
  const neighbour = noisyNeighbour(hosts, anomalies, affected);
  if (neighbour) classes.push(neighbour);
  const infra = links[0];
  const infraMatch = infraClass(infra);
  if (infraMatch) classes.push(infraMatch);
  classes.push(...nodeCauses(cluster, symptoms, affected));
  // Inside a fan-out the dependency's rising traffic and full pools are the caller's doing, not a surge of their own.
  if (cascade?.internal) for (const match of classes) if (FANOUT_EFFECTS.has(match.cls.key)) match.score *= FANOUT_DISCOUNT;
  if (climbing) weighSlowExhaustion(climbing, scored, classes);
  classes.sort((a, b) => b.score - a.score || a.cls.key.localeCompare(b.cls.key));
  // A blip that ended while the failure goes on: what sustains it, and the change that set that policy.
  const named = symptoms.flatMap((symptom) => otherServicesNamed(symptomText(symptom), symptom.services, knownServices));
  const sustain = findSustain(anomalies, metrics.errorRates, symptoms, scored, onset, {
    affected: [...new Set([...affected, ...named])],
    cascade,
    holder: holder?.service,
  });
  applySustain(sustain, scored, classes);
  // A change is named only when something ties it to the symptoms, never by elimination; being the latest change
  // before the onset (time alone) is no evidence of causation: then there is not enough evidence to name one.
  const hypotheses = breakTiesWithPast(
    rankHypotheses(
      scored.filter((entry) => entry.links.some((link) => link !== 'time')),
      classes,
    ),
    request.pastIncidents,
  );
  const best = hypotheses[0];
  let confidence = confidenceOf(best?.score ?? 0, rivalOf(hypotheses)?.score ?? 0);
  if (best?.change && best.change.links.length === 1 && best.change.links[0] === 'time') confidence = 'low';
  // Calibrated: high only when two independent kinds of evidence link the suspect to the symptoms.
  const evidence = evidenceFor(best, {
    symptoms,
    concentration,
    infra: links[0],
    exhaustion: climbing,
    cascade,
    sustain,
    holder: holder?.service,
  });
  const calibrated = calibrate(confidence, evidence);
  const evidenceLine = evidenceNote(confidence, calibrated, evidence);
  if (evidenceLine) notes.push(evidenceLine);
  confidence = calibrated;
  const analysis: Analysis = {
    ...base,
    onsetAnomaly,
    ...(found && found.leading !== found.anchor ? { leadingAnomaly: found.leading } : {}),
    primary,
    anomalies,
    changes: scored,
    classes,
    hypotheses,
    confidence,
    ...(cascade ? { cascade } : {}),
    ...(concentration ? { concentration } : {}),
    ...(infra ? { infra } : {}),
    ...(sustain ? { sustain } : {}),
    ...(climbing ? { exhaustion: climbing } : {}),
    ...(best?.change && verdicts.has(best.change.change.id) ? { stateNote: verdicts.get(best.change.change.id) } : {}),
    commitCalls: new Map([...history.commits, ...extra].map((commit) => [commit.value.sha, commit.callId])),
  };
  return finish(analysis, session, notes, started, emit, request);
}

async function finish(
  analysis: Analysis,
  session: ToolSession,
  notes: string[],
  started: number,
  emit: (event: AgentEvent) => void,
  request: AnalyzeRequest,
): Promise<Report> {
  // Nothing abnormal means no procedure to follow; otherwise the team's own runbook for what was found, if one fits.
  const runbook = analysis.quiet ? undefined : await findRunbook(session, notes, runbookQuery(analysis, request));
  const report = buildReport({ ...analysis, ...(runbook ? { runbook } : {}) }, session, notes, Date.now() - started);
  emit({ type: 'final', report });
  return report;
}
