import type { StateStore } from '../../store/types.js';
import { awaitPeer } from './await-peer.js';
import { BoundedMap } from './bounded-map.js';
import type { AnalysisJob } from './job.js';

/** Alert fingerprints kept in memory; the store remembers the rest (and across restarts). */
const MAX_REMEMBERED_FINGERPRINTS = 1000;

/**
 * Repeats of one alert within the cooldown join the analysis the first one started instead of starting another,
 * unless that analysis failed, was cancelled or was interrupted (then a repeat deserves a fresh try). The memory
 * map is a cache of the store, so a restart does not forget the cooldown.
 */
export class AlertJoining {
  private readonly fingerprints = new BoundedMap<string, { jobId: string; at: number }>(MAX_REMEMBERED_FINGERPRINTS);

  constructor(
    private readonly cooldownMs: number,
    private readonly now: () => number,
    private readonly lookup: (id: string) => Promise<AnalysisJob | undefined>,
    private readonly store: StateStore,
  ) {}

  async joinable(fingerprint: string): Promise<AnalysisJob | undefined> {
    let seen = this.fingerprints.get(fingerprint);
    if (!seen) {
      const stored = await this.store.alert(fingerprint);
      if (stored) seen = { jobId: stored.analysisId, at: stored.at };
    }
    if (!seen || this.now() - seen.at >= this.cooldownMs) return undefined;
    const job = await this.lookup(seen.jobId);
    return job && job.state !== 'failed' && job.state !== 'cancelled' && job.state !== 'interrupted' ? job : undefined;
  }

  /**
   * Across replicas, when no analysis is joinable: true when this replica won the right to start one (the first to
   * claim a successor of what the store remembers), else the analysis the winner started, once the store shows it
   * (undefined when it never does in time).
   */
  async claimStart(fingerprint: string): Promise<true | AnalysisJob | undefined> {
    const previous = (await this.store.alert(fingerprint))?.analysisId ?? '';
    if (await this.store.coordination.claim('alert', `${fingerprint}@${previous}`, this.now(), this.cooldownMs)) return true;
    const started = await awaitPeer(async () => {
      const stored = await this.store.alert(fingerprint);
      return stored && stored.analysisId !== previous ? stored.analysisId : undefined;
    });
    return started ? this.lookup(started) : undefined;
  }

  /** The analysis a fingerprint started, whatever its age or state, while it is remembered here or in the store. */
  async find(fingerprint: string): Promise<AnalysisJob | undefined> {
    let jobId = this.fingerprints.get(fingerprint)?.jobId;
    if (!jobId) jobId = (await this.store.alert(fingerprint))?.analysisId;
    return jobId ? this.lookup(jobId) : undefined;
  }

  async remember(fingerprint: string, job: AnalysisJob): Promise<void> {
    const at = this.now();
    this.fingerprints.set(fingerprint, { jobId: job.id, at });
    await this.store.rememberAlert(fingerprint, job.id, at);
  }
}

/** Names the alert's channel only when it is this analysis' own: readers here may not be members of another one. */
export function joinNotice(alertChannel: string, alertTs: string, analysisChannel: string): string {
  const where = alertChannel === analysisChannel ? `in this channel (message ${alertTs})` : 'in another channel';
  return `:link: The same alert fired again ${where}; it joined this analysis instead of starting another.`;
}
