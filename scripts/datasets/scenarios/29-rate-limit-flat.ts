import { clientClosed, deprecation, flakyRetry } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander, latencyAs, outcomeSplit } from './kit.js';

/**
 * 2025-11-04, a B2B invoicing platform. edge-gateway v4.9.0 (10:05) ships a config commit that lowers the per-tenant
 * rate limit from 500 to 50 requests per second; the big tenants start getting 429s at once. Traffic into the gateway
 * is flat (Micrometer counters `http_server_requests_seconds_count{application, outcome, status}`), so "rate
 * limited", "429" and "throttled" must not make a traffic surge: the cause is the limit that moved. invoice-api's
 * deploy at 09:20 and pdf-render's flaky retries are noise.
 */
export function rateLimitFlat(): ScenarioOutput {
  const place = evalPlacement('29-rate-limit-flat');
  const w = new World({
    name: 'rate-limit-flat',
    description: '429s from a lowered rate limit while traffic is flat.',
    seed: '29-rate-limit-flat',
    date: '2025-11-04',
    start: '05:00',
    now: '10:40',
    deploymentIds: { kind: 'seq', prefix: 'rel-', first: 880, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('10:05');

  const gateway = w.service(app('edge-gateway', 'java', 'log4j', { version: 'v4.8.3', rps: 420, p95: 35, golden: false, accessPerMin: 3 }));
  const invoices = w.service(app('invoice-api', 'java', 'log4j', { version: 'v21.0.4', rps: 160, p95: 120 }));
  const pdf = w.service(app('pdf-render', 'node', 'pino', { version: 'v2.2.9', rps: 20, p95: 900 }));

  outcomeSplit(w, gateway, {
    metric: 'http_server_requests_seconds_count',
    labels: { application: 'edge-gateway', job: 'kubernetes-pods', uri: '/api/**' },
    ok: { outcome: 'SUCCESS', status: '200' },
    error: { outcome: 'CLIENT_ERROR', status: '429' },
    unit: 'requests',
    cumulative: true,
  });
  latencyAs(w, gateway, 'http_server_requests_seconds_max', { application: 'edge-gateway', job: 'kubernetes-pods' });

  bystander(w, 'tenant-admin', 'python', 'json', 'v6.0.2');
  bystander(w, 'mail-sender', 'go', 'logfmt', 'v3.1.4');
  w.history();
  const invoiceFix = w.git.commit({
    at: at('08:40'),
    service: 'invoice-api',
    message: 'fix(invoices): round VAT per line before summing',
    files: ['invoice-api/src/main/java/io/invoice/vat/VatCalculator.java'],
  });
  const invoiceDeploy = w.deploy({ at: at('09:20'), service: 'invoice-api', version: 'v21.0.5', commits: [invoiceFix], by: 'spinnaker' });
  const limit = w.git.commit({
    at: at('09:30'),
    service: 'edge-gateway',
    author: 'Tomasz Nowak',
    message: 'config(ratelimit): lower default per-tenant rate limit to 50 rps',
    files: ['edge-gateway/src/main/resources/ratelimit.yaml'],
  });
  const release = w.deploy({ at: ship, service: 'edge-gateway', version: 'v4.9.0', commits: [limit], by: 'spinnaker' });

  gateway.errors.level(ship + MINUTE, 18, { ramp: 1 });
  gateway.failuresLookLike(ship + MINUTE, [429]);
  gateway.every(ship + MINUTE, w.now, 30, (r) => ({
    level: 'warn',
    logger: 'io.gateway.ratelimit.TenantRateLimiter',
    msg: `rate limit exceeded for tenant t-${r.int(100, 999)}: 50 req/s allowed, request rejected with 429`,
  }));
  invoices.every(ship + 2 * MINUTE, w.now, 4, (r) => ({
    level: 'error',
    logger: 'io.invoice.client.GatewayCallback',
    msg: `webhook delivery throttled by edge-gateway (429) for invoice INV-${r.int(100000, 999999)}`,
  }));

  flakyRetry(pdf, 'chromium-pool', 3);
  clientClosed(invoices, 3);
  deprecation(invoices, 1, 'Method PdfClient.renderLegacy is deprecated and will be removed in 22.0');

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Rate limit lowered: 429s with flat traffic are not a surge',
      incident: 'Customers hitting 429 Too Many Requests on the API since 10:05. Are we being flooded?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, limit.sha] },
        rootCauseKeywords: ['rate limit', '50'],
        mustNot: { suspectIds: [invoiceDeploy.id, invoiceDeploy.version], suspectKinds: ['capacity'] },
        service: ['edge-gateway'],
      },
    },
  };
}
