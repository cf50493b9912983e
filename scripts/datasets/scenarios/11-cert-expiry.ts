import { everydayNoise, preset } from '../fleet.js';
import { javaStack, nodeStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Friday night 2024-09-13 → Saturday. The TLS certificate of ledger.internal.shop.example expires at
 * 2024-09-14T00:00:00Z (auto-renewal had silently failed). From midnight every client handshake fails:
 * Node "certificate has expired", Java "PKIX path validation failed", Go server "tls: bad certificate".
 * ledger-service v3.2.0 was deployed at 23:48, twelve minutes before: innocent. Old "TLS handshake error … EOF"
 * lines from load-balancer probes were there all along.
 */
export function certExpiry(): ScenarioOutput {
  const place = evalPlacement('11-cert-expiry');
  const w = new World({
    name: 'cert-expiry',
    description: 'Expired TLS certificate on the internal ledger endpoint.',
    seed: '11-cert-expiry',
    date: '2024-09-14',
    start: '18:00',
    startDay: -1,
    now: '00:35',
    deploymentIds: { kind: 'seq', prefix: 'dpl-', first: 40311, width: 5 },
    historyDays: 5,
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const expiry = at('00:00');
  const ledgerHost = 'ledger.internal.shop.example';

  const gateway = w.service(preset('api-gateway', { version: 'v1.42.1', rps: 140, accessPerMin: 2 }));
  const ledger = w.service({
    name: 'ledger-service',
    lang: 'go',
    format: 'logfmt',
    rps: 30,
    p95: 35,
    errorPct: 0.02,
    cpu: 15,
    accessPerMin: 2,
    components: ['entries', 'balances', 'tlsconfig'],
    version: 'v3.1.4',
    endpoints: [
      { method: 'POST', path: '/v1/entries', weight: 5 },
      { method: 'GET', path: '/v1/balances/{id}', weight: 3, cost: 0.6 },
    ],
  });
  const payment = w.service(preset('payment-service', { version: 'v4.21.0', file: 'payment-service.jsonl', rps: 8 }));
  const orders = w.service(preset('order-service', { version: 'v7.11.0', format: 'log4j', rps: 18 }));
  const users = w.service(preset('user-service', { version: 'v3.22.1', rps: 45 }));

  w.history(at('18:00', -1));
  const ledgerFix = w.git.commit({
    at: at('17:15', -1),
    author: 'Kenji Watanabe',
    service: 'ledger-service',
    message: 'fix(balances): avoid double counting reversed entries in daily totals',
    files: ['services/ledger-service/internal/balances/balances.go', 'services/ledger-service/internal/balances/balances_test.go'],
  });
  w.deploy({
    at: at('22:30', -1),
    service: 'ledger-service',
    version: 'v3.2.0',
    commits: [ledgerFix],
    environment: 'staging',
    by: 'Kenji Watanabe',
  });
  const herring = w.deploy({
    at: at('23:48', -1),
    service: 'ledger-service',
    version: 'v3.2.0',
    commits: [ledgerFix],
    by: 'Kenji Watanabe',
    description: 'hotfix for month-to-date totals before the Saturday batch',
  });

  w.series({
    metric: 'cert_expiry_seconds',
    tags: { service: 'ledger-service', host: ledgerHost },
    unit: 's',
    base: 0,
    jitter: 0,
    decimals: 0,
    min: -1e9,
  }).shape(w.start, w.now + MINUTE, (m) => (expiry - (w.start + m * MINUTE)) / 1000);
  w.series({
    metric: 'tls_handshake_errors',
    tags: { service: 'ledger-service' },
    unit: 'req/s',
    base: 0.05,
    jitter: 0.5,
    decimals: 2,
  }).level(expiry, 38, { ramp: 0, jitter: 0.08 });
  ledger.requests.level(expiry, 0.4, { ramp: 0, jitter: 0.3 });
  payment.errors.level(expiry, 61, { ramp: 1, jitter: 0.04 });
  payment.failuresLookLike(expiry, [502, 500], ['/v1/charges', '/v1/refunds']);
  orders.errors.level(expiry, 18, { ramp: 1, jitter: 0.07 });
  orders.failuresLookLike(expiry, [500], ['/api/orders']);
  gateway.errors.level(expiry + MINUTE, 4.4, { ramp: 1, jitter: 0.08 });

  for (const svc of [gateway, payment, orders, users]) everydayNoise(svc);
  ledger.every(w.start, w.now, 3 / 60, (r) => ({
    level: 'info',
    msg: `http: TLS handshake error from 10.42.7.${r.int(2, 250)}:${r.int(30000, 60000)}: EOF`,
  }));
  ledger.every(w.start, w.now, 0.5 / 60, () => ({
    level: 'warn',
    msg: 'certificate renewal check failed, will retry',
    fields: { issuer: 'internal-ca', error: 'acme: authorization pending' },
  }));
  ledger.every(expiry, w.now, 6, (r) => ({
    level: 'error',
    msg: `http: TLS handshake error from 10.42.${r.int(1, 9)}.${r.int(2, 250)}:${r.int(30000, 60000)}: remote error: tls: bad certificate`,
  }));
  payment.every(expiry, w.now, 7, (r) => ({
    level: 'error',
    msg: 'ledger write failed',
    fields: { charge_id: `ch_${r.hex(20)}`, url: `https://${ledgerHost}/v1/entries`, code: 'CERT_HAS_EXPIRED' },
    stack: nodeStack('Error: certificate has expired', [
      'TLSSocket.onConnectSecure (node:_tls_wrap:1674:34)',
      'TLSSocket.emit (node:events:519:28)',
    ]),
  }));
  orders.every(expiry, w.now, 4, (r) => ({
    level: 'error',
    logger: 'com.shop.orders.ledger.LedgerClient',
    msg: `Posting ledger entry for order ORD-${r.int(1_000_000, 9_999_999)} failed`,
    stack: javaStack(
      r,
      `javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed`,
      [
        'java.base/sun.security.ssl.Alert.createSSLException(Alert.java:130)',
        'com.shop.orders.ledger.LedgerClient.post(LedgerClient.java:58)',
      ],
      {
        exception: 'java.security.cert.CertificateExpiredException: NotAfter: Sat Sep 14 00:00:00 UTC 2024',
        frames: ['java.base/sun.security.x509.CertificateValidity.valid(CertificateValidity.java:277)'],
      },
    ),
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Certificate expiry on the internal ledger endpoint at midnight',
      incident: 'Payments and order confirmations failing since midnight UTC',
      dataset: place.dataset,
      since: '3h',
      expect: {
        runbook: 'ledger-service/certificate-expired.md',
        suspect: { kind: ['infrastructure', 'dependency'] },
        rootCauseKeywords: ['certificate', 'expired', 'x509', 'tls'],
        mustNot: { suspectIds: [herring.id, herring.version, ledgerFix.sha], suspectKinds: ['deployment', 'commit'] },
      },
    },
  };
}
