import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Cited } from './facts.js';

/**
 * A rollout that left the failing slice behind: the symptoms sit in versions the service ran before its latest
 * deployment, while the version that deployment shipped stays healthy. The old version ran without trouble until
 * then, so the finding is the incomplete rollout (old and new now disagree), not the old release, even when the
 * deployment reported success.
 */
export interface LeftBehind {
  /** The deployment whose rollout did not reach the failing slice. */
  change: string;
  version: string;
  /** The failing versions it left behind. */
  behind: string[];
  /** Earlier deployments of those versions: they ran fine until the rollout, so they are not the cause. */
  superseded: string[];
}

export interface Concentration {
  service: string;
  dimension: string;
  key: string;
  unhealthy: string[];
  healthy: string[];
  /** The anomalies that show the unhealthy values, for the evidence. */
  anomalies: Cited<AnomalyOut>[];
  /** The healthy values rose too, but to a small fraction of the unhealthy one's peak: concentration, not confinement. */
  othersRose?: boolean;
  /** The failing values are versions a later rollout did not reach (rollout.ts). */
  leftBehind?: LeftBehind;
}
