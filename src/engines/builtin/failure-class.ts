import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { SuspectKind } from '../../report/schema.js';

/**
 * Causes that are not a change: a small vocabulary of general SRE failure classes. Each names the log phrasing and
 * the metric names that betray it. `external` marks causes a code change cannot produce by itself (a provider's
 * latency, a full disk, a traffic surge): metric evidence for those argues against any change.
 */
export interface FailureClass {
  key: string;
  kind: Extract<SuspectKind, 'dependency' | 'infrastructure' | 'capacity'>;
  /** How the report names it; includes the words a reader would search for. */
  title: string;
  symptoms: RegExp;
  metrics: RegExp;
  /** Metric names that look alike but measure the symptom, not the cause (an error rate is not traffic). */
  notMetrics?: RegExp;
  /** Only anomalies in this direction count (a surge is up; a drop in free space is down). */
  direction?: 'up' | 'down';
  external: boolean;
  /** Calling one of our own services slowly is that service's failure: such symptoms and series do not count here. */
  notBetweenOwnServices?: boolean;
  /** Only series of a service's own incoming traffic count: calls between services (a peer label) are fan-out. */
  ingressOnly?: boolean;
  /**
   * The class holds only when total incoming traffic rose materially: log text alone (429s, shedding) is what any
   * loss of capacity looks like, and a rising count of failed requests is errors, not traffic.
   */
  needsTrafficRise?: boolean;
  /**
   * A share of a fixed capacity (a CPU percentage or utilisation ratio) counts only when it came near that capacity:
   * CPU rising from 28 % to 49 % is busier, not saturated. Series that are not shares (throttled periods, load, event
   * loop lag) are judged by their move alone.
   */
  nearCapacity?: boolean;
  /** The move of each series that counts, by what it measures (a hit ratio falls, misses rise); replaces `direction`. */
  moves?: (anomaly: AnomalyOut) => boolean;
  /** Named only when its signature series moved: the log wording alone is what many other causes look like too. */
  needsMetric?: boolean;
  advice: string[];
}
