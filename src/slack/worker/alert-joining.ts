import { BoundedMap } from './bounded-map.js';
import type { AnalysisJob } from './job.js';

/** Alert fingerprints remembered for joining repeats; older ones are forgotten. */
const MAX_REMEMBERED_FINGERPRINTS = 1000;

/**
 * Repeats of one alert within the cooldown join the analysis the first one started instead of starting another,
 * unless that analysis failed or was cancelled (then a repeat deserves a fresh try).
 */
export class AlertJoining {
  private readonly fingerprints = new BoundedMap<string, { jobId: string; at: number }>(MAX_REMEMBERED_FINGERPRINTS);

  constructor(
    private readonly cooldownMs: number,
    private readonly now: () => number,
    private readonly lookup: (id: string) => AnalysisJob | undefined,
  ) {}

  joinable(fingerprint: string): AnalysisJob | undefined {
    const seen = this.fingerprints.get(fingerprint);
    if (!seen || this.now() - seen.at >= this.cooldownMs) return undefined;
    const job = this.lookup(seen.jobId);
    return job && job.state !== 'failed' && job.state !== 'cancelled' ? job : undefined;
  }

  /** The analysis a fingerprint started, whatever its age or state, while it is remembered. */
  find(fingerprint: string): AnalysisJob | undefined {
    const seen = this.fingerprints.get(fingerprint);
    return seen ? this.lookup(seen.jobId) : undefined;
  }

  remember(fingerprint: string, job: AnalysisJob): void {
    this.fingerprints.set(fingerprint, { jobId: job.id, at: this.now() });
  }
}

/** Names the alert's channel only when it is this analysis' own: readers here may not be members of another one. */
export function joinNotice(alertChannel: string, alertTs: string, analysisChannel: string): string {
  const where = alertChannel === analysisChannel ? `in this channel (message ${alertTs})` : 'in another channel';
  return `:link: The same alert fired again ${where}; it joined this analysis instead of starting another.`;
}
