import { chronicError, gcPauses } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { HOUR, MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2025-12-11, a SaaS login platform. session-store v7.2.0 shipped three days ago (12-08 10:00) keeps revoked sessions
 * in an in-process map that is never pruned; its container memory climbs ~1%/h toward the 4 GiB limit and today at
 * 13:40 GC thrashing starts, then OOM kills. No sharp onset in memory, only a long climb. A fix ("evict revoked
 * sessions") was committed yesterday but never deployed: it is not running code. audit-log's deploy at 12:50 today is
 * the closest change and innocent.
 */
export function slowLeak(): ScenarioOutput {
  const place = evalPlacement('34-slow-leak');
  const w = new World({
    name: 'slow-leak',
    description: 'Memory climbing for days toward the container limit after a deploy three days ago.',
    seed: '34-slow-leak',
    date: '2025-12-11',
    start: '02:30',
    now: '14:20',
    deploymentIds: { kind: 'seq', prefix: 'rel-', first: 5501, width: 4 },
    historyDays: 8,
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const shipped = at('10:00', -3);
  const thrash = at('13:40');

  const store = w.service(app('session-store', 'java', 'log4j', { version: 'v7.1.4', rps: 700, p95: 12, pkg: 'io.sessions' }));
  const audit = w.service(app('audit-log', 'go', 'logfmt', { version: 'v2.4.0', rps: 90, p95: 25 }));
  const login = w.service(app('login-web', 'node', 'pino', { version: 'v5.0.3', rps: 120, p95: 180 }));

  const limit = 4096;
  const memoryAt = (t: number) => Math.min(limit * 0.985, 1200 + ((t - shipped) / HOUR) * 37);
  w.series({
    metric: 'container_memory_working_set_bytes',
    tags: { container: 'session-store', pod: 'session-store-5c9d7b6f48-k2j8x', namespace: 'auth' },
    unit: 'MiB',
    base: 1,
    jitter: 0,
    decimals: 0,
  }).shape(w.start, w.now + MINUTE, (minutes, _v, r) => memoryAt(w.start + minutes * MINUTE) * (1 + r.normal(0, 0.004)));
  w.series({
    metric: 'container_spec_memory_limit_bytes',
    tags: { container: 'session-store', namespace: 'auth' },
    unit: 'MiB',
    base: limit,
    jitter: 0,
    decimals: 0,
  });

  store.latency.level(thrash, 260, { ramp: 6 });
  store.errors.level(thrash + 5 * MINUTE, 6, { ramp: 8 });
  login.errors.level(thrash + 8 * MINUTE, 3, { ramp: 8 });
  store.every(thrash, w.now, 5, (r) => ({
    level: 'warn',
    logger: 'io.sessions.gc.GcMonitor',
    msg: `GC overhead ${r.int(92, 99)}%: old generation ${r.int(3900, 4050)}MB of 4096MB after full GC`,
  }));
  store.every(thrash + 5 * MINUTE, w.now, 3, () => ({
    level: 'error',
    logger: 'io.sessions.api.SessionController',
    msg: 'session lookup failed: java.lang.OutOfMemoryError: Java heap space',
  }));
  login.every(thrash + 8 * MINUTE, w.now, 4, (r) => ({
    level: 'error',
    msg: 'session check failed',
    fields: { upstream: 'session-store', status: 503, user: `u${r.int(10000, 99999)}` },
  }));

  bystander(w, 'mfa-gateway', 'python', 'json', 'v3.7.0');
  w.history(at('09:00', -3));
  const revoke = w.git.commit({
    at: at('16:20', -4),
    service: 'session-store',
    author: 'Marta Kowalska',
    message: 'feat(revocation): remember revoked session ids so replays are rejected',
    files: ['session-store/src/main/java/io/sessions/revocation/RevokedSessions.java'],
  });
  const release = w.deploy({ at: shipped, service: 'session-store', version: 'v7.2.0', commits: [revoke], by: 'jenkins' });
  const fix = w.git.commit({
    at: at('17:45', -1),
    service: 'session-store',
    message: 'fix(revocation): evict revoked session ids after token expiry to bound heap memory',
    files: ['session-store/src/main/java/io/sessions/revocation/RevokedSessions.java'],
  });
  const auditCommit = w.git.commit({
    at: at('11:30'),
    service: 'audit-log',
    message: 'feat(audit): add tenant id to exported events',
    files: ['audit-log/internal/export/event.go'],
  });
  const auditDeploy = w.deploy({ at: at('12:50'), service: 'audit-log', version: 'v2.5.0', commits: [auditCommit], by: 'jenkins' });

  gcPauses(store, 4, 4096);
  chronicError(audit, 1, (r) => ({ level: 'warn', msg: `export batch ${r.int(1000, 9999)} delayed, sink busy` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Memory climbing for days toward the container limit; the cause shipped three days ago',
      incident: 'session-store slow and throwing OOM since ~13:45, logins failing. Was it the audit-log deploy?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, revoke.sha] },
        rootCauseKeywords: ['revoked', 'memory'],
        mustNot: { suspectIds: [fix.sha, auditDeploy.id, auditDeploy.version] },
        service: ['session-store'],
      },
    },
  };
}
