import type { PastIncident, ToolOutputRecord } from '../../agent/types.js';
import { identityOf } from '../../memory/identity.js';
import { describeReason } from '../../memory/score.js';
import type { IncidentMemory, SimilarIncident } from '../../memory/types.js';
import type { Report, SimilarPast } from '../../report/schema.js';
import type { AnalysisJob } from './job.js';
import type { SlackIO } from './slack-io.js';

/** Similar past incidents shown in a report, and given to the engine before it starts. */
export const MAX_SIMILAR = 3;

/**
 * Teams open one channel per incident, so past incidents come from the analysis' own channel and from every public
 * channel; a private channel's incidents (and those of a channel whose privacy is unknown) never leave it. Responders
 * see all of them in /rca history.
 */
function scopeOf(job: AnalysisJob) {
  return { channel: job.channel, withPublic: true };
}

/** The channel's privacy, or undefined (treated as private) when Slack does not say (missing scope, an error). */
async function privacyOf(io: SlackIO, channel: string): Promise<boolean | undefined> {
  if (!io.channelPrivate) return undefined;
  try {
    return await io.channelPrivate(channel);
  } catch {
    return undefined;
  }
}

/** Before the engine runs: past incidents whose wording or alert services match, as past data for the engine. */
export async function recallFor(memory: IncidentMemory | undefined, job: AnalysisJob): Promise<PastIncident[]> {
  if (!memory) return [];
  const services = Object.entries(job.trigger.scope ?? {})
    .filter(([key]) => /service|job|app/i.test(key))
    .map(([, value]) => value);
  const hits = await memory.recall(job.trigger.incident, services, scopeOf(job), MAX_SIMILAR);
  const out: PastIncident[] = [];
  for (const hit of hits) {
    const past = await memory.get(hit.analysisId);
    out.push({
      analysisId: hit.analysisId,
      at: new Date(hit.at).toISOString(),
      summary: hit.summary,
      ...(past?.confirmed ? { confirmedCause: past.confirmed.cause } : {}),
      ...(past?.suspectKind ? { suspectKind: past.suspectKind } : {}),
      ...(past?.suspectId ? { suspectId: past.suspectId } : {}),
      reasons: hit.reasons.map(describeReason),
    });
  }
  return out;
}

async function linkOf(io: SlackIO, match: SimilarIncident): Promise<string | undefined> {
  if (!match.threadTs || !io.permalink) return undefined;
  try {
    return await io.permalink(match.channel, match.threadTs);
  } catch {
    // A deleted thread or a channel the bot left: the match is still worth showing, without its link.
    return undefined;
  }
}

/**
 * After a report: finds similar past incidents (with their reasons and thread links), remembers this one and its
 * recorded tool calls. Returns the report with its "similar" section.
 */
export async function rememberAnalysis(
  memory: IncidentMemory,
  io: SlackIO,
  job: AnalysisJob,
  report: Report,
  calls: readonly ToolOutputRecord[],
  now: number,
): Promise<Report> {
  const channelPrivate = await privacyOf(io, job.channel);
  const identity = identityOf(report, calls, {
    analysisId: job.id,
    channel: job.channel,
    ...(channelPrivate !== undefined ? { channelPrivate } : {}),
    ...(job.threadTs ? { threadTs: job.threadTs } : {}),
    at: now,
  });
  const matches = await memory.similar(identity, scopeOf(job), MAX_SIMILAR);
  const similar: SimilarPast[] = [];
  for (const match of matches) {
    const link = await linkOf(io, match);
    similar.push({
      analysisId: match.analysisId,
      at: new Date(match.at).toISOString(),
      summary: match.summary,
      ...(match.confirmedCause ? { confirmedCause: match.confirmedCause } : {}),
      score: match.score,
      reasons: match.reasons.map(describeReason),
      ...(link ? { link } : {}),
    });
  }
  await memory.remember(identity);
  await memory.saveRecording(job.id, {
    ...(job.trigger.since ? { since: job.trigger.since } : {}),
    ...(job.trigger.scope ? { scope: job.trigger.scope } : {}),
    calls: [...calls],
  });
  return similar.length > 0 ? { ...report, similar } : report;
}
