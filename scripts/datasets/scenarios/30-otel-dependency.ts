import { chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2026-04-14, a ticketing platform whose services log through the OpenTelemetry collector (OTLP/JSON records) behind
 * an Envoy ingress. At 16:12 the payments team deploys payments-gateway v2.7.0 with a new acquirer client; from 16:14
 * every authorisation call returns 503. payments-gateway has no logs or metrics here: only its deployment record.
 * The errors of checkout-svc name it in a URL, so it must become the candidate, with its own deploy, rather than
 * checkout-svc's own 15:30 release or a vague "upstream provider".
 */
export function otelDependency(): ScenarioOutput {
  const place = evalPlacement('30-otel-dependency');
  const w = new World({
    name: 'otel-dependency',
    description: 'A dependency seen only in the errors that name it, in OpenTelemetry log records.',
    seed: '30-otel-dependency',
    date: '2026-04-14',
    start: '11:00',
    now: '16:40',
    deploymentIds: { kind: 'seq', prefix: 'd-', first: 73110, width: 5 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('16:12');

  const checkout = w.service(app('checkout-svc', 'go', 'otel', { version: 'v5.3.0', rps: 120, p95: 140 }));
  const seats = w.service(app('seat-map', 'node', 'otel', { version: 'v1.9.2', rps: 300, p95: 45 }));
  const ingress = w.service(
    app('edge-envoy', 'go', 'envoy', {
      version: 'v1.30.1',
      rps: 420,
      p95: 60,
      accessPerMin: 4,
      endpoints: [
        { method: 'POST', path: '/checkout/{id}', weight: 3, upstream: 'checkout-svc' },
        { method: 'GET', path: '/seats/{id}', weight: 7, upstream: 'seat-map' },
      ],
    }),
  );

  bystander(w, 'venue-catalog', 'java', 'log4j', 'v12.0.1');
  bystander(w, 'notify-svc', 'python', 'json', 'v2.2.2');
  w.history();
  const checkoutCommit = w.git.commit({
    at: at('14:50'),
    service: 'checkout-svc',
    message: 'feat(checkout): show seat hold countdown in the basket',
    files: ['checkout-svc/internal/basket/countdown.go'],
  });
  w.deploy({ at: at('15:30'), service: 'checkout-svc', version: 'v5.4.0', commits: [checkoutCommit], by: 'flux' });
  const acquirer = w.git.commit({
    at: at('15:40'),
    service: 'payments-gateway',
    author: 'Lena Fischer',
    message: 'feat(acquirer): switch authorisation to the new acquirer client with mTLS',
    files: ['payments-gateway/src/acquirer/client.ts', 'payments-gateway/src/acquirer/tls.ts'],
  });
  const release = w.deploy({ at: ship, service: 'payments-gateway', version: 'v2.7.0', commits: [acquirer], by: 'flux' });

  const fail = ship + 2 * MINUTE;
  checkout.errors.level(fail, 22, { ramp: 1 });
  checkout.latency.scale(fail, 1.6, { ramp: 1 });
  checkout.failuresLookLike(fail, [502], ['/v1/checkout']);
  ingress.errors.level(fail, 6, { ramp: 1 });
  ingress.failuresLookLike(fail, [502], ['/checkout/{id}']);
  checkout.every(fail, w.now, 24, (r) => ({
    level: 'error',
    logger: 'checkout/payment',
    msg: `charge failed: POST http://payments-gateway.payments.svc:8080/v2/authorize returned 503 (ref ${r.int(100000, 999999)})`,
    fields: { 'http.status_code': 503 },
  }));

  chronicError(seats, 2, (r) => ({ level: 'warn', msg: `seat lock expired before confirm for event e-${r.int(1000, 9999)}` }));
  chronicError(checkout, 1, () => ({ level: 'error', msg: 'fraud score service slow, using cached score' }));
  healthChecks(seats, 1);

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'OpenTelemetry logs name a dependency that has only a deployment record',
      incident: 'Checkout is failing for most buyers since about 16:15, checkout-svc errors spiking',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, acquirer.sha] },
        rootCauseKeywords: ['payments-gateway', 'acquirer'],
        mustNot: { suspectIds: ['v5.4.0'] },
      },
    },
  };
}
