import { chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from AWS's public summary of the EBS event in us-east-1 of 21 April 2011: a network change inside the
 * provider left many volumes re-mirroring at once, and the volumes that stayed usable answered I/O slowly; customers
 * saw only their disks stall. Here: the PostgreSQL volume of billing-db (a CloudWatch series with `volume_id`) does its
 * provisioned 3000 IOPS from 10:21, its queue length climbs from 1 to 60 and its read latency from 1 ms to 90 ms.
 * The volume is 61 % full and stays so: no space is missing. invoice-api's queries time out from 10:23. Red
 * herrings: invoice-api's release at 10:02 and the filesystem usage series. Mixed formats: PostgreSQL stderr, JSON,
 * log4j, pino.
 */
export function volumeIoCeiling(): ScenarioOutput {
  const place = evalPlacement('52-volume-io-ceiling');
  const w = new World({
    name: 'volume-io-ceiling',
    description: 'A database volume at its IOPS ceiling with queue depth and latency rising; nothing is full.',
    seed: '52-volume-io-ceiling',
    date: '2011-04-21',
    start: '06:00',
    now: '10:55',
    deploymentIds: { kind: 'seq', prefix: 'bl-', first: 310, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const stall = at('10:21');
  const onset = at('10:23');

  const invoices = w.service(app('invoice-api', 'java', 'log4j', { version: 'v3.30.0', rps: 240, p95: 70, accessPerMin: 3 }));
  const db = w.logSource('billing-db', 'postgres');
  bystander(w, 'customer-portal', 'node', 'pino', 'v12.4.0');
  bystander(w, 'tax-rates', 'python', 'json', 'v1.8.2');
  bystander(w, 'dunning-mailer', 'go', 'logfmt', 'v2.11.0');

  const volume = { volume_id: 'vol-0b1d5e7a', availability_zone: 'us-east-1a' };
  const ops = w.series({
    metric: 'aws_ebs_volume_read_ops',
    tags: volume,
    unit: 'ops/s',
    base: 1100,
    jitter: 0.06,
    diurnal: 0.2,
    decimals: 0,
  });
  ops.level(stall, 2995, { ramp: 2, jitter: 0.002 });
  w.series({ metric: 'aws_ebs_volume_queue_length', tags: volume, unit: 'count', base: 1.1, jitter: 0.2, decimals: 1 }).level(stall, 60, {
    ramp: 3,
  });
  w.series({ metric: 'aws_ebs_volume_read_latency_ms', tags: volume, unit: 'ms', base: 1.2, jitter: 0.15, decimals: 1 }).level(stall, 90, {
    ramp: 3,
  });
  w.series({
    metric: 'node_filesystem_used_percent',
    tags: { instance: 'billing-db-1:9100', mountpoint: '/var/lib/postgresql' },
    unit: '%',
    base: 61,
    jitter: 0.002,
    decimals: 1,
  });
  invoices.errors.level(onset, 21, { ramp: 3, jitter: 0.1 });
  invoices.latency.level(onset, 5100, { ramp: 3 });
  invoices.failuresLookLike(onset, [500, 504], ['/v1/invoice/{id}']);

  w.history();
  const pdf = w.git.commit({
    at: at('09:15'),
    service: 'invoice-api',
    author: 'Olusegun Adeyemi',
    message: 'feat(pdf): embed the payment QR code in invoice PDFs',
    files: ['invoice-api/src/main/java/io/invoice/pdf/QrBlock.java'],
  });
  const herring = w.deploy({ at: at('10:02'), service: 'invoice-api', version: 'v3.31.0', commits: [pdf], by: 'jenkins' });

  invoices.every(onset, w.now, 25, (r) => ({
    level: 'error',
    logger: 'io.invoice.repo.InvoiceRepository',
    msg: `query failed after 5000 ms: ERROR: canceling statement due to statement timeout (invoice ${r.int(100000, 999999)})`,
  }));
  db.every(stall, w.now, 2, (r) => ({
    level: 'warn',
    msg: `checkpoint complete: wrote ${r.int(2000, 9000)} buffers (${r.int(10, 40)}.${r.int(0, 9)}%); write=${r.int(40, 120)}.${r.int(100, 999)} s, sync=${r.int(5, 30)}.${r.int(100, 999)} s, total=${r.int(60, 150)}.${r.int(100, 999)} s`,
  }));
  db.every(onset, w.now, 8, (r) => ({
    level: 'info',
    msg: `duration: ${r.int(2500, 5000)}.${r.int(100, 999)} ms  statement: SELECT * FROM invoice_lines WHERE invoice_id = ${r.int(100000, 999999)}`,
  }));
  db.every(w.start, w.now, 0.2, (r) => ({
    level: 'info',
    msg: `automatic vacuum of table "billing.public.invoice_lines": index scans: ${r.int(0, 1)}`,
  }));
  healthChecks(invoices, 2);
  chronicError(invoices, 2, (r) => ({
    level: 'warn',
    logger: 'io.invoice.tax.TaxClient',
    msg: `tax-rates answered slowly: ${r.int(700, 1500)} ms`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A database volume at its IOPS ceiling, queue depth and latency rising, nothing full (after AWS EBS, 2011-04-21)',
      incident: 'invoice-api statement timeouts since ~10:23. We shipped 3.31 at 10:02; is the DB disk full?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['infrastructure'] },
        rootCauseKeywords: ['I/O saturation', 'IOPS', 'checkpoint'],
        mustNot: { suspectIds: [herring.id, herring.version, pdf.sha], suspectKinds: ['deployment', 'commit'] },
      },
    },
  };
}
