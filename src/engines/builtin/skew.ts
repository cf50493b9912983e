import type { DeploymentOut } from '../../../mcp-servers/git/schemas.js';
import type { ToolSession } from '../../agent/tool-session.js';
import type { Cited } from './facts.js';
import { searchEntries } from './gather.js';
import { isProduction } from './quiet.js';
import type { Symptom } from './symptoms.js';

/**
 * A service whose log clock runs off by minutes makes its errors look older or newer than the metrics. A deployment
 * record is an independent clock: the service logs its startup with the new version right after it. The offset between
 * the two is the skew; that service's symptom times are corrected by it.
 */

/** Startup lines follow the deploy record within about a minute; more than this apart is a skewed clock. */
const MIN_SKEW_MS = 2 * 60_000;
/** Startup lines are looked for this far on either side of the record. */
const SEARCH_MS = 30 * 60_000;
/** Deploys checked per analysis: the few that could be the cause. */
const MAX_CHECKS = 2;
const STARTUP = /start|listening|started|boot|ready|version/i;

export async function estimateSkews(
  session: ToolSession,
  notes: string[],
  deploys: readonly Cited<DeploymentOut>[],
  symptoms: readonly Symptom[],
  onset: Date,
): Promise<Map<string, number>> {
  const skews = new Map<string, number>();
  if (!session.hasTool('search_logs')) return skews;
  const symptomatic = new Set(symptoms.flatMap((symptom) => symptom.services));
  const candidates = deploys
    .map(({ value }) => value)
    .filter((deploy) => isProduction(deploy) && symptomatic.has(deploy.service) && deploy.version.length >= 3)
    .filter((deploy) => Math.abs(Date.parse(deploy.deployedAt) - onset.getTime()) <= SEARCH_MS)
    .slice(0, MAX_CHECKS);
  for (const deploy of candidates) {
    const at = Date.parse(deploy.deployedAt);
    const since = new Date(at - SEARCH_MS).toISOString();
    const until = new Date(at + SEARCH_MS).toISOString();
    const escaped = deploy.version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const matches = await searchEntries(session, notes, escaped, since, until, 5);
    const startup = matches.find(({ value }) => value.service === deploy.service && value.time && STARTUP.test(value.message));
    if (!startup?.value.time) continue;
    const skew = Date.parse(startup.value.time) - at;
    if (Math.abs(skew) >= MIN_SKEW_MS) {
      skews.set(deploy.service, skew);
      notes.push(
        `${deploy.service}'s log clock looks ${Math.round(Math.abs(skew) / 60_000)} min ${skew < 0 ? 'behind' : 'ahead of'} its deploy record (startup of ${deploy.version}); its log times were corrected`,
      );
    }
  }
  return skews;
}

/** Shifts first-seen times of symptoms that only skewed services emit. */
export function correctSkew(symptoms: Symptom[], skews: ReadonlyMap<string, number>): void {
  if (skews.size === 0) return;
  for (const symptom of symptoms) {
    const shifts = symptom.services.map((service) => skews.get(service));
    const shift = shifts[0];
    if (shift === undefined || !shifts.every((value) => value === shift) || !symptom.firstSeen) continue;
    symptom.firstSeen = new Date(Date.parse(symptom.firstSeen) - shift).toISOString();
  }
}
