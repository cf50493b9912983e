import { chronicError, clientClosed, gcPauses } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * Thursday 2025-03-13, a ticketing company. orders-api v7.3.0 rolled out at 14:40; at 15:00 someone asks whether the
 * orders page got slow. It did not: the rollout's CPU bump and the JVM's memory drop after restart are the only moves,
 * a webhook warning that has fired all afternoon fired three more times, and one new deprecation warning appeared
 * twice. The logs cover four hours of a six-hour question window. Nothing is abnormal, and the deploy must not be
 * blamed for being recent.
 */
export function quietAfterDeploy(): ScenarioOutput {
  const place = evalPlacement('15-quiet-after-deploy');
  const w = new World({
    name: 'quiet-after-deploy',
    description: 'A routine deploy, a question about slowness, and nothing abnormal in metrics or logs.',
    seed: '15-quiet-after-deploy',
    date: '2025-03-13',
    start: '11:00',
    now: '15:02',
    deploymentIds: { kind: 'dated', prefix: 'rollout-' },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const deployAt = at('14:40');

  const edge = w.service(
    app('box-office-edge', 'go', 'nginx', {
      version: 'v1.25.4',
      file: 'box-office-edge.access.log',
      rps: 210,
      p95: 120,
      accessPerMin: 6,
      endpoints: [
        { method: 'GET', path: '/events/{id}', weight: 8, upstream: 'catalog-api' },
        { method: 'POST', path: '/orders', weight: 2, cost: 2, upstream: 'orders-api' },
        { method: 'GET', path: '/orders/{id}', weight: 3, upstream: 'orders-api' },
      ],
    }),
  );
  const orders = w.service(app('orders-api', 'java', 'syslog', { version: 'v7.2.9', hostname: 'orders-7c9d', rps: 45, p95: 180 }));
  const catalog = w.service(app('catalog-api', 'python', 'json', { version: 'v2.14.0', rps: 160 }));
  const mailer = w.service(app('ticket-mailer', 'node', 'pino', { version: 'v0.19.2', rps: 6, accessPerMin: 0 }));

  w.history();
  const change = w.git.commit({
    at: at('13:55'),
    service: 'orders-api',
    message: 'feat(orders): show seat map thumbnails in order history',
    files: ['orders-api/src/main/java/io/orders/history/OrderHistoryView.java', 'orders-api/src/main/resources/templates/history.html'],
  });
  const deploy = w.deploy({ at: deployAt, service: 'orders-api', version: 'v7.3.0', commits: [change], by: 'spinnaker' });
  w.series({
    metric: 'jvm_memory_used_bytes',
    tags: { service: 'orders-api', area: 'heap' },
    unit: 'bytes',
    base: 1.6e9,
    jitter: 0.03,
    decimals: 0,
  }).scale(deployAt, 0.45, { ramp: 0, until: deployAt + 2 * MINUTE, recover: 14 });

  for (const svc of [orders, catalog, mailer])
    chronicError(svc, 0.5, () => ({ level: 'error', msg: 'metrics push to statsd:8125 failed: connection refused' }));
  gcPauses(orders, 5, 2048);
  clientClosed(catalog, 2);
  edge.every(w.start, w.now, 0.4, (r) => ({
    level: 'warn',
    msg: `upstream response buffered to a temporary file /var/cache/nginx/proxy_temp/${r.int(1, 9)}/${r.int(10, 99)}/00000${r.int(10000, 99999)}`,
  }));
  orders.every(w.start, w.now, 9 / 60, (r) => ({
    level: 'warn',
    msg: `payment webhook signature mismatch for provider event evt_${r.hex(12)}, ignored`,
  }));
  orders.log(deployAt + 3 * MINUTE, {
    level: 'warn',
    msg: 'deprecated property orders.history.page-size used; use orders.history.pageSize',
  });
  orders.log(deployAt + 11 * MINUTE, {
    level: 'warn',
    msg: 'deprecated property orders.history.page-size used; use orders.history.pageSize',
  });
  mailer.every(w.start, w.now, 0.8, (r) => ({
    level: 'info',
    msg: 'ticket email sent',
    fields: { template: r.pick(['receipt', 'reminder']), ms: r.int(80, 700) },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Nothing abnormal: a question right after a routine deploy',
      incident: 'Is the orders page slower since the 14:40 orders-api deploy? A customer said it felt sluggish.',
      dataset: place.dataset,
      since: '6h',
      expect: {
        runbook: 'none',
        suspect: { kind: ['unknown'] },
        rootCauseKeywords: ['no anomaly', 'nothing abnormal'],
        mustNot: { suspectIds: [deploy.id, deploy.version, change.sha], suspectKinds: ['deployment', 'commit'] },
        maxConfidence: 'low',
      },
    },
  };
}
