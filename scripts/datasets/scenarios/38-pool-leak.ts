import { slowQuery } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { HOUR, MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander, latencyAs, outcomeSplit } from './kit.js';

/**
 * 2026-05-14, a B2B invoicing SaaS (Spring Boot on Kubernetes, Micrometer names). invoice-api v3.2.0, shipped
 * yesterday morning, streams exports from a server-side cursor inside one transaction and never returns the
 * connection when a client aborts the download: HikariCP's active connections climb ~1.6/h toward the pool's
 * maximum (hikaricp_connections_max), the database shows the sessions idle in transaction and autovacuum cannot
 * remove dead rows. At 09:15 the pool is empty and requests wait 30 s for a connection, then fail. pdf-renderer's
 * 08:35 release is the closest change and innocent; a config commit raising the pool size was never deployed;
 * invoice-api's release four days ago was superseded by v3.2.0's restart.
 */
export function poolLeak(): ScenarioOutput {
  const place = evalPlacement('38-pool-leak');
  const w = new World({
    name: 'pool-leak',
    description: 'A connection leak fills the pool for a day toward its maximum; the cause shipped yesterday.',
    seed: '38-pool-leak',
    date: '2026-05-14',
    start: '04:00',
    now: '09:40',
    deploymentIds: { kind: 'seq', prefix: 'gh-', first: 48110, width: 5 },
    historyDays: 8,
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const shipped = at('07:30', -1);
  const empty = at('09:15');

  const invoices = w.service(
    app('invoice-api', 'java', 'cri', { version: 'v3.1.3', rps: 65, p95: 140, golden: false, pkg: 'io.ledgerly.invoice' }),
  );
  const portal = w.service(app('billing-portal', 'node', 'pino', { version: 'v9.7.1', rps: 90, p95: 260 }));
  const pdf = w.service(app('pdf-renderer', 'node', 'pino', { version: 'v1.12.0', rps: 12, p95: 900 }));
  const db = w.logSource('ledger-db', 'postgres');
  const events = w.logSource('k8s-events', 'kube-events');
  bystander(w, 'tax-rates', 'go', 'logfmt', 'v2.3.5');
  bystander(w, 'dunning-svc', 'java', 'log4j', 'v4.0.2');

  const micrometer = { application: 'invoice-api', namespace: 'billing' };
  outcomeSplit(w, invoices, {
    metric: 'http_server_requests_seconds_count',
    labels: micrometer,
    ok: { outcome: 'SUCCESS', status: '200' },
    error: { outcome: 'SERVER_ERROR', status: '500' },
    unit: 'requests',
    cumulative: true,
  });
  latencyAs(w, invoices, 'http_server_requests_seconds_p99', micrometer);

  const max = 50;
  const leakedAt = (t: number) => Math.max(0, ((t - shipped) / HOUR) * 1.64);
  const pool = { ...micrometer, pool: 'HikariPool-1' };
  w.series({ metric: 'hikaricp_connections_active', tags: pool, unit: 'connections', base: 1, jitter: 0, decimals: 0 }).shape(
    w.start,
    w.now + MINUTE,
    (minutes, _v, r) => Math.min(max, 4 + leakedAt(w.start + minutes * MINUTE) + r.normal(0, 0.8)),
  );
  w.series({ metric: 'hikaricp_connections_max', tags: pool, unit: 'connections', base: max, jitter: 0, decimals: 0 });
  w.series({ metric: 'hikaricp_connections_pending', tags: pool, unit: 'threads', base: 0.2, jitter: 0.5, decimals: 0 }).level(empty, 38, {
    ramp: 3,
  });
  const exporter = { job: 'postgres', instance: 'ledger-db-0:9187', datname: 'ledger' };
  w.series({
    metric: 'pg_settings_max_connections',
    tags: { job: 'postgres', instance: 'ledger-db-0:9187' },
    unit: 'connections',
    base: 300,
    jitter: 0,
    decimals: 0,
  });
  w.series({
    metric: 'pg_stat_activity_count',
    tags: { ...exporter, state: 'active' },
    unit: 'connections',
    base: 14,
    jitter: 0.15,
    diurnal: 0.2,
    decimals: 0,
  });
  w.series({
    metric: 'pg_stat_activity_count',
    tags: { ...exporter, state: 'idle in transaction' },
    unit: 'connections',
    base: 1,
    jitter: 0,
    decimals: 0,
  }).shape(w.start, w.now + MINUTE, (minutes) => Math.min(max - 2, leakedAt(w.start + minutes * MINUTE)));

  invoices.latency.level(empty, 30_000, { ramp: 4 });
  invoices.errors.level(empty + MINUTE, 46, { ramp: 4 });
  invoices.failuresLookLike(empty + MINUTE, [500]);
  portal.errors.level(empty + 2 * MINUTE, 21, { ramp: 4 });
  portal.failuresLookLike(empty + 2 * MINUTE, [502], ['/v1/billing-portal/{id}']);
  invoices.every(empty + MINUTE, w.now, 12, (r) => ({
    level: 'error',
    logger: 'com.zaxxer.hikari.pool.HikariPool',
    msg: `HikariPool-1 - Connection is not available, request timed out after 30000ms (total=50, active=50, idle=0, waiting=${r.int(20, 45)})`,
  }));
  invoices.every(empty + MINUTE, w.now, 8, (r) => ({
    level: 'error',
    logger: 'io.ledgerly.invoice.web.InvoiceController',
    msg: `GET /v1/invoices/${r.int(100000, 999999)} failed: org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection`,
  }));
  // Aborted downloads were always there; since v3.2.0 each one leaves its connection behind. Not new in the window.
  invoices.every(w.start, w.now, 1 / 35, (r) => ({
    level: 'warn',
    logger: 'io.ledgerly.invoice.export.InvoiceExportStream',
    msg: `client aborted export of batch ${r.int(1000, 9999)} after ${r.int(2, 40)}MB: Broken pipe`,
  }));
  portal.every(empty + 2 * MINUTE, w.now, 6, () => ({
    level: 'error',
    msg: 'invoice list failed: upstream invoice-api responded 500',
  }));
  db.cron(30, 7, (r) => ({
    level: 'info',
    msg: `automatic vacuum of table "ledger.public.invoice_lines": index scans: 0, tuples: 0 removed, ${r.int(700000, 900000)} remain, ${r.int(600000, 690000)} are dead but not yet removable`,
  }));
  db.every(w.start, w.now, 1, (r) => ({ level: 'info', msg: `checkpoint complete: wrote ${r.int(300, 4000)} buffers` }));
  slowQuery(pdf, 2, 'SELECT * FROM templates WHERE tenant_id = $1', [1200, 2400]);
  events.every(empty + 3 * MINUTE, w.now, 0.5, (r) => ({
    level: 'warn',
    msg: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    fields: { reason: 'Unhealthy', kind: 'Pod', namespace: 'billing', object: `invoice-api-7c9f6d${r.int(100, 999)}-${r.hex(5)}` },
  }));
  events.every(w.start, w.now, 0.1, (r) => ({
    level: 'info',
    msg: 'Successfully pulled image',
    fields: {
      reason: 'Pulled',
      kind: 'Pod',
      namespace: 'billing',
      object: `${r.pick(['tax-rates', 'dunning-svc'])}-${r.hex(9)}-${r.hex(5)}`,
    },
  }));

  w.history(at('09:00', -5));
  const older = w.git.commit({
    at: at('10:10', -4),
    service: 'invoice-api',
    message: 'feat(invoice): add reverse-charge VAT note for EU customers',
    files: ['invoice-api/src/main/java/io/ledgerly/invoice/vat/ReverseCharge.java'],
  });
  const olderDeploy = w.deploy({ at: at('11:00', -4), service: 'invoice-api', version: 'v3.1.4', commits: [older], by: 'github-actions' });
  const cursor = w.git.commit({
    at: at('06:40', -1),
    service: 'invoice-api',
    author: 'Tomasz Nowak',
    message: 'perf(export): stream invoice exports from a server-side cursor inside one transaction',
    files: ['invoice-api/src/main/java/io/ledgerly/invoice/export/InvoiceExportStream.java'],
  });
  const release = w.deploy({ at: shipped, service: 'invoice-api', version: 'v3.2.0', commits: [cursor], by: 'github-actions' });
  const poolSize = w.git.commit({
    at: at('21:05', -1),
    service: 'invoice-api',
    message: 'chore(db): raise hikari maximum pool size to 80 connections',
    files: ['invoice-api/src/main/resources/application-prod.yaml'],
  });
  const fonts = w.git.commit({
    at: at('08:05'),
    service: 'pdf-renderer',
    message: 'fix(pdf): embed fonts for Greek invoices',
    files: ['pdf-renderer/src/fonts/embed.ts'],
  });
  const pdfDeploy = w.deploy({ at: at('08:35'), service: 'pdf-renderer', version: 'v1.12.1', commits: [fonts], by: 'github-actions' });

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A connection leak fills the pool for a day; the cause shipped yesterday, not the closest deploy',
      incident: 'invoice-api timing out and billing portal failing since ~09:15. Anything to do with the pdf-renderer release?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        runbook: 'invoice-api/connection-pool-leak.md',
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, cursor.sha] },
        rootCauseKeywords: ['transaction', 'connection'],
        mustNot: { suspectIds: [poolSize.sha, pdfDeploy.id, pdfDeploy.version, olderDeploy.id, olderDeploy.version] },
        service: ['invoice-api'],
      },
    },
  };
}
