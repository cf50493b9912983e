import { everydayNoise, preset } from '../fleet.js';
import { kubeEvents } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-11-05. realtime-gateway (Node, WebSockets) v2.3.0 at 09:40 subscribes every connection to
 * presence events and never unsubscribes on close: MaxListenersExceededWarning, heap grows to the
 * 1.5 GiB limit and the process dies at 11:52 ("JavaScript heap out of memory"), again at 12:58.
 * chat-history-service v1.8.0 at 11:35 is the closest deploy to the first crash, and innocent.
 */
export function nodeHeapOom(): ScenarioOutput {
  const place = evalPlacement('12-node-heap-oom');
  const w = new World({
    name: 'node-heap-oom',
    description: 'realtime-gateway listener leak after v2.3.0: Node heap out of memory, restarts.',
    seed: '12-node-heap-oom',
    date: '2024-11-05',
    start: '07:00',
    now: '13:20',
    deploymentIds: { kind: 'dated', prefix: 'deploy-' },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const deployAt = at('09:40');
  const crashes = [at('11:52'), at('12:58')];
  const lives = [deployAt, ...crashes.map((c) => c + MINUTE)];
  const heapAt = (t: number) => {
    const born = lives.filter((s) => s <= t).at(-1) ?? deployAt;
    return Math.min(1530, 180 + ((t - born) / MINUTE) * (born === deployAt ? 10.2 : 22));
  };

  const gateway = w.service(preset('api-gateway', { version: 'v1.45.0', rps: 200, accessPerMin: 2.5 }));
  const realtime = w.service({
    name: 'realtime-gateway',
    lang: 'node',
    format: 'pino',
    rps: 55,
    p95: 30,
    errorPct: 0.1,
    cpu: 30,
    accessPerMin: 1.5,
    components: ['ws', 'presence', 'auth'],
    version: 'v2.2.5',
    endpoints: [
      { method: 'GET', path: '/ws?room={id}', weight: 3 },
      { method: 'POST', path: '/v1/rooms/{id}/messages', weight: 4, cost: 1.4 },
      { method: 'GET', path: '/v1/rooms/{id}/presence', weight: 2 },
    ],
  });
  const history = w.service({
    name: 'chat-history-service',
    lang: 'python',
    format: 'json',
    rps: 22,
    p95: 95,
    errorPct: 0.1,
    cpu: 20,
    accessPerMin: 1.5,
    components: ['messages', 'retention'],
    version: 'v1.7.3',
    endpoints: [
      { method: 'GET', path: '/v1/rooms/{id}/messages?before={id}', weight: 4 },
      { method: 'POST', path: '/v1/rooms/{id}/messages', weight: 3 },
    ],
  });
  const users = w.service(preset('user-service', { version: 'v3.24.0' }));
  const kube = w.logSource('k8s-events');

  w.history();
  const presence = w.git.commit({
    at: at('15:05', -1),
    author: 'Sofia Alvarez',
    service: 'realtime-gateway',
    message: 'feat(presence): live presence updates for every open room connection',
    files: [
      'services/realtime-gateway/src/presence/subscribe.ts',
      'services/realtime-gateway/src/ws/connection.ts',
      'services/realtime-gateway/test/presence.test.ts',
    ],
  });
  const retention = w.git.commit({
    at: at('10:50'),
    service: 'chat-history-service',
    message: 'feat(retention): configurable retention per workspace',
    files: ['services/chat-history-service/app/retention/service.py', 'migrations/chat-history/0042_workspace_retention.sql'],
  });
  w.deploy({
    at: at('09:05'),
    service: 'realtime-gateway',
    version: 'v2.3.0',
    commits: [presence],
    environment: 'staging',
    by: 'github-actions',
  });
  const release = w.deploy({
    at: deployAt,
    service: 'realtime-gateway',
    version: 'v2.3.0',
    commits: [presence],
    by: 'github-actions',
    description: presence.message,
  });
  const herring = w.deploy({
    at: at('11:35'),
    service: 'chat-history-service',
    version: 'v1.8.0',
    commits: [retention],
    by: 'argocd',
    description: retention.message,
  });

  const tags = { service: 'realtime-gateway' };
  w.series({ metric: 'heap_used_mb', tags, unit: 'MB', base: 175, jitter: 0.06, decimals: 0 }).shape(
    deployAt,
    w.now + MINUTE,
    (m, _v, r) => heapAt(deployAt + m * MINUTE) * (1 + r.normal(0, 0.02)),
  );
  w.series({ metric: 'container_restarts', tags, unit: 'count', base: 0, jitter: 0, decimals: 0 }).steps(crashes.map((c) => c + MINUTE));
  const ws = w.series({ metric: 'ws_connections_active', tags, unit: 'count', base: 8200, diurnal: 0.3, jitter: 0.02, decimals: 0 });
  for (const c of crashes) {
    ws.scale(c, 0.05, { ramp: 0, until: c + 2 * MINUTE, recover: 6 });
    realtime.errors.level(c, 38, { ramp: 0, until: c + 3 * MINUTE, recover: 2 });
    history.requests.scale(c + MINUTE, 2.2, { ramp: 1, until: c + 6 * MINUTE, recover: 4 }); // reconnecting clients reload history
  }
  realtime.latency.shape(deployAt, w.now + MINUTE, (m, v) => v + 900 * Math.max(0, (heapAt(deployAt + m * MINUTE) - 1100) / 430) ** 2);
  realtime.cpu.shape(deployAt, w.now + MINUTE, (m, v) =>
    Math.min(98, v + 55 * Math.max(0, (heapAt(deployAt + m * MINUTE) - 1000) / 530) ** 2),
  );

  for (const svc of [gateway, users, realtime, history]) everydayNoise(svc);
  kubeEvents(kube, ['realtime-gateway', 'chat-history-service', 'user-service'], 2);
  realtime.every(w.start, w.now, 2, (r) => ({
    level: 'info',
    msg: r.pick(['ws connected', 'ws connected', 'ws closed']),
    fields: { room: r.int(1000, 99999), conn: r.hex(8) },
  }));
  realtime.every(w.start, w.now, 1 / 60, () => ({
    level: 'warn',
    msg: 'ws ping timeout, terminating connection',
    fields: { idle_ms: 45000 },
  }));
  history.every(w.start, w.now, 1.5 / 60, (r) => ({
    level: 'warn',
    logger: 'app.messages.repo',
    msg: `slow query (${r.int(400, 900)}ms): SELECT * FROM messages WHERE room_id = %s AND id < %s ORDER BY id DESC LIMIT 50`,
  }));
  realtime.every(deployAt, w.now, 0.6, (r) => ({
    level: 'warn',
    msg: `(node:1) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. ${r.int(11, 60)} presence listeners added to [EventEmitter]. Use emitter.setMaxListeners() to increase limit`,
  }));
  for (const c of crashes) {
    realtime.log(c - 40_000, { level: 'warn', msg: 'event loop blocked', fields: { blocked_ms: 4120 } });
    realtime.log(c, {
      level: 'fatal',
      msg: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      fields: { heap_limit_mb: 1536 },
    });
    kube.log(c + 4_000, {
      level: 'warn',
      msg: 'Container realtime-gateway in pod realtime-gateway-7b8f9c6d5-m2xkq exited with code 134 (Error), restarting (restartCount increments)',
    });
    realtime.log(c + 50_000, { level: 'info', msg: 'server listening', fields: { port: 8080, version: 'v2.3.0', node: 'v20.18.0' } });
    realtime.every(c + MINUTE, c + 6 * MINUTE, 6, () => ({ level: 'info', msg: 'ws connected', fields: { reconnect: true } }));
  }

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Node.js memory leak in realtime-gateway v2.3.0 (heap out of memory)',
      incident: 'Chat keeps disconnecting everyone, realtime-gateway pods restart',
      dataset: place.dataset,
      since: '6h',
      expect: {
        runbook: 'realtime-gateway/heap-out-of-memory.md',
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, presence.sha], service: ['realtime-gateway'] },
        rootCauseKeywords: ['memory', 'heap', 'leak'],
        mustNot: { suspectIds: [herring.id, herring.version, retention.sha] },
      },
    },
  };
}
