import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { FailureClass } from './failure-class.js';

/**
 * Failure classes told apart by what a metric measures rather than by words, each named only when its signature
 * series moved the way that class predicts. Log wording alone ("cache miss", "slow disk") never makes them.
 */

/** Series that count a cache's successes: they fall when it stops working. */
const CACHE_SUCCESS = /hit_?(ratio|rate)|hits\b|_hits_|hit_?percent/i;
/** Series that count its failures or the churn that causes them: they rise. */
const CACHE_FAILURE = /miss(es)?|evict(ion)?s?|expired_keys|cold/i;

export const CACHE_CLASS: FailureClass = {
  key: 'cache',
  kind: 'infrastructure',
  title: 'cache effectiveness lost (hit ratio falling, reads moving to the store behind it)',
  symptoms: /cache miss|misses|miss storm|cold cache|cache (was )?(flushed|emptied|cleared)|evict|hit (ratio|rate)/i,
  metrics:
    /(cache|memcache|redis|keyspace|varnish|cdn).*(hit|miss|evict)|(hit|miss|evict).*(cache|memcache|redis|keyspace)|hit_?ratio|miss_?ratio/i,
  moves: (anomaly: AnomalyOut) =>
    CACHE_SUCCESS.test(anomaly.metric) ? anomaly.direction === 'down' : CACHE_FAILURE.test(anomaly.metric) && anomaly.direction === 'up',
  needsMetric: true,
  external: true,
  advice: [
    'Restore the cache tier (bring back the dropped nodes or warm the new ones) and shed or rate-limit reads to the store behind it until the hit ratio recovers',
    'Find what emptied or replaced the cache nodes (membership, discovery or a restart) and make node swaps gradual',
  ],
};

/** Series that measure space (used, free, size, inodes); throughput, operations and waiting are not space. */
const SPACE = /avail|free|used|usage|size|inode|capacity|full|percent/i;
const NOT_SPACE = /read|write|written|_ops|iops|queue|latency|await|io_?time|io_?now|throughput|_mb_s/i;

/** A disk-full verdict stands on space running out, never on a busy or slow device. */
export function measuresSpace(anomaly: AnomalyOut): boolean {
  return SPACE.test(anomaly.metric) && !NOT_SPACE.test(anomaly.metric);
}

/** Latency or queueing of the device: it rises when the I/O ceiling is reached. */
const IO_WAIT = /queue_?(depth|length|size)|await|io_?time|io_?wait|(read|write)_?latency|disk_?latency|avgqu|time_weighted/i;

export const IO_CLASS: FailureClass = {
  key: 'io',
  kind: 'infrastructure',
  title: 'I/O saturation (throughput or IOPS at a ceiling, latency and queue depth rising)',
  symptoms: /i\/o (timeout|wait|error)|slow (disk|io|i\/o)|fsync|iowait|blocked on (disk|io)|write stall|disk (is )?slow/i,
  metrics: /(disk|volume|ebs|nvme|io|iops|block|device).*(queue|await|time|wait|latency)|iowait|io_?time/i,
  moves: (anomaly: AnomalyOut) => IO_WAIT.test(anomaly.metric) && anomaly.direction === 'up',
  needsMetric: true,
  external: true,
  advice: [
    'Move the heavy reader or writer off the saturated volume, or raise its provisioned IOPS/throughput; check burst credits',
    'Alert on the volume’s queue depth and latency, not only on free space',
  ],
};
