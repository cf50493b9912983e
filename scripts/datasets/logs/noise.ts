import type { Rng } from '../prng.js';
import type { EventPart, Service } from '../service.js';

/**
 * Everyday log noise: the lines every service writes when nothing is wrong, including WARNs and ERRORs
 * that on-call engineers learn to ignore. They run over the whole window, before the incident too, so that
 * "new since the onset" is what tells the real symptoms apart.
 */

const ALWAYS = { from: 0, until: Number.MAX_SAFE_INTEGER };
const ip = (r: Rng) => `10.${r.int(40, 43)}.${r.int(0, 255)}.${r.int(2, 254)}`;

/** Clients hanging up mid-response: every HTTP service has it. */
export function clientClosed(svc: Service, perHour: number): void {
  const { lang } = svc.spec;
  svc.every(ALWAYS.from, ALWAYS.until, perHour / 60, (r): EventPart => {
    if (lang === 'go')
      return { level: 'warn', msg: 'client closed connection', fields: { status: 499, remote: `${ip(r)}:${r.int(30000, 60000)}` } };
    if (lang === 'node') return { level: 'warn', msg: 'request aborted by client', fields: { code: 'ECONNRESET', reqId: r.hex(8) } };
    if (lang === 'python')
      return { level: 'warn', msg: `Client disconnected before response completed (${ip(r)})`, logger: 'uvicorn.error' };
    return {
      level: 'warn',
      logger: 'org.apache.catalina.connector.CoyoteAdapter',
      msg: 'org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe',
    };
  });
}

/** A dependency that fails once in a while and succeeds on retry. */
export function flakyRetry(svc: Service, dependency: string, perHour: number): void {
  svc.every(ALWAYS.from, ALWAYS.until, perHour / 60, (r) => {
    const attempt = r.weighted([
      [2, 8],
      [3, 1],
    ] as const);
    const cause = r.pick(['ECONNRESET', 'socket hang up', 'connection reset by peer', '502 Bad Gateway']);
    if (svc.spec.lang === 'java') {
      return {
        level: 'warn',
        logger: svc.logger('client.RetryingHttpClient'),
        msg: `Retrying call to ${dependency} (attempt ${attempt}/3): ${cause}`,
      };
    }
    return { level: 'warn', msg: `retrying request to ${dependency} after ${cause}`, fields: { attempt, max_attempts: 3 } };
  });
}

/** An old deprecation warning nobody has fixed. */
export function deprecation(svc: Service, perHour: number, text: string, logger?: string): void {
  svc.every(ALWAYS.from, ALWAYS.until, perHour / 60, () => ({ level: 'warn', msg: text, ...(logger ? { logger } : {}) }));
}

/** Periodic cache statistics. */
export function cacheStats(svc: Service, cache: string, everyMinutes: number, hitRatio: number): void {
  svc.cron(everyMinutes, 0, (r) => {
    const hits = r.int(4000, 9000);
    const ratio = Math.min(0.999, hitRatio + r.normal(0, 0.01));
    const misses = Math.round((hits * (1 - ratio)) / ratio);
    const msg = `cache ${cache} stats: hits=${hits} misses=${misses} hit_ratio=${ratio.toFixed(3)} evictions=${r.int(0, 40)}`;
    return { level: 'info', msg, ...(svc.spec.lang === 'java' ? { logger: svc.logger('cache.CacheMetricsReporter') } : {}) };
  });
}

/** A scheduled job that logs its start and end. */
export function scheduledJob(svc: Service, name: string, everyMinutes: number, offsetMinutes: number, seconds: [number, number]): void {
  const logger =
    svc.spec.lang === 'java' ? svc.logger(`jobs.${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}Job`) : undefined;
  svc.cron(everyMinutes, offsetMinutes, (r, t) => {
    const took = r.float(seconds[0], seconds[1]);
    svc.log(t + Math.round(took * 1000), {
      level: 'info',
      msg: `job ${name} finished in ${took.toFixed(1)}s, processed ${r.int(20, 2400)} records`,
      ...(logger ? { logger } : {}),
    });
    return { level: 'info', msg: `job ${name} started`, ...(logger ? { logger } : {}) };
  });
}

/** Authentication chatter: logins, refreshed tokens, expired tokens. */
export function authEvents(svc: Service, perMinute: number): void {
  svc.every(ALWAYS.from, ALWAYS.until, perMinute, (r) =>
    r.weighted<EventPart>([
      [
        {
          level: 'info',
          msg: 'login succeeded',
          fields: { user_id: `u_${r.int(100000, 999999)}`, method: r.pick(['password', 'google', 'apple']) },
        },
        5,
      ],
      [{ level: 'info', msg: 'access token refreshed', fields: { user_id: `u_${r.int(100000, 999999)}` } }, 8],
      [{ level: 'info', msg: 'JWT expired, returning 401', fields: { user_id: `u_${r.int(100000, 999999)}` } }, 3],
      [
        {
          level: 'warn',
          msg: 'login failed: invalid credentials',
          fields: { user_id: `u_${r.int(100000, 999999)}`, attempts: r.int(1, 4) },
        },
        1,
      ],
    ]),
  );
}

/** Load-balancer health checks (gateways log them; most apps filter them out). */
export function healthChecks(svc: Service, perMinute: number): void {
  svc.every(ALWAYS.from, ALWAYS.until, perMinute, (r) => ({
    level: 'info',
    msg: 'health check',
    fields: { path: '/healthz', status: 200, duration_ms: r.int(0, 3) },
  }));
}

/** Occasional slow database query below any alert threshold. */
export function slowQuery(svc: Service, perHour: number, sql: string, ms: [number, number]): void {
  svc.every(ALWAYS.from, ALWAYS.until, perHour / 60, (r) => {
    const took = r.int(ms[0], ms[1]);
    if (svc.spec.lang === 'java')
      return { level: 'warn', logger: 'org.hibernate.SQL_SLOW', msg: `SlowQuery: ${took} milliseconds. SQL: '${sql}'` };
    return { level: 'warn', msg: `slow query (${took}ms): ${sql}`, fields: { duration_ms: took } };
  });
}

/** An unrelated error that fires every so often and has for weeks: the scary-looking red herring. */
export function chronicError(svc: Service, perHour: number, make: (r: Rng) => Parameters<Service['log']>[1]): void {
  svc.every(ALWAYS.from, ALWAYS.until, perHour / 60, (r) => make(r));
}

/** JVM garbage-collection notices (unified logging routed to the app log). */
export function gcPauses(svc: Service, perHour: number, heapMb: number): void {
  svc.every(ALWAYS.from, ALWAYS.until, perHour / 60, (r) => {
    const before = Math.round(heapMb * r.float(0.55, 0.8));
    const after = Math.round(heapMb * r.float(0.2, 0.35));
    return {
      level: 'info',
      logger: 'gc',
      msg: `GC(${r.int(1000, 9999)}) Pause Young (Normal) (G1 Evacuation Pause) ${before}M->${after}M(${heapMb}M) ${r.float(4, 28).toFixed(3)}ms`,
    };
  });
}

/** Kafka consumer lag reports from workers. */
export function consumerLag(svc: Service, topic: string, everyMinutes: number, lag: [number, number]): void {
  svc.cron(everyMinutes, 1, (r) => ({
    level: 'info',
    msg: 'consumer lag',
    fields: { topic, group: `${svc.spec.name}-group`, partitions: 12, lag: r.int(lag[0], lag[1]) },
  }));
}

/** Kubernetes event chatter for a cluster running these services: probes that flap, autoscaler moves. */
export function kubeEvents(src: Service, services: string[], perHour: number): void {
  src.every(ALWAYS.from, ALWAYS.until, perHour / 60, (r) => {
    const svc = r.pick(services);
    const pod = `${svc}-${r.hex(9)}-${r.hex(5)}`;
    return r.weighted<EventPart>([
      [
        {
          level: 'warn',
          msg: `Readiness probe failed for pod ${pod}: Get "http://10.42.${r.int(0, 9)}.${r.int(2, 250)}:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        },
        3,
      ],
      [
        {
          level: 'info',
          msg: `HorizontalPodAutoscaler ${svc}: New size: ${r.int(3, 6)}; reason: cpu resource utilization (percentage of request) ${r.pick(['above', 'below'])} target`,
        },
        2,
      ],
      [
        {
          level: 'info',
          msg: `Pulled image "registry.shop.example/${svc}" for pod ${pod} in ${r.float(0.4, 3).toFixed(3)}s (image already present on node)`,
        },
        1,
      ],
      [{ level: 'warn', msg: `Liveness probe failed for pod ${pod}: HTTP probe failed with statuscode: 503` }, 0.3],
    ]);
  });
}
