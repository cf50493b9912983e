import { everydayNoise, preset } from '../fleet.js';
import { gcPauses, scheduledJob } from '../logs/noise.js';
import { javaStack, nodeStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Wednesday 2024-01-31, month end. The month-end export job starts at 17:30 on invoice-vm-02 and writes
 * CSV/PDF bundles to /var/lib/invoice; the volume fills from 68 % to 100 % by 20:07. Then invoice-service
 * ("No space left on device") and pdf-renderer (ENOSPC) fail. invoice-service v8.1.2 deployed at 19:40
 * is innocent; invoice-vm-01 never fills.
 */
export function diskFull(): ScenarioOutput {
  const place = evalPlacement('09-disk-full');
  const w = new World({
    name: 'disk-full',
    description: 'Month-end export filled the invoice volume: No space left on device / ENOSPC.',
    seed: '09-disk-full',
    date: '2024-01-31',
    start: '14:00',
    now: '20:35',
    deploymentIds: { kind: 'seq', prefix: 'dep-', first: 512, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const jobStart = at('17:30');
  const full = at('20:07');

  const gateway = w.service(preset('api-gateway', { version: 'v1.26.0', rps: 180, accessPerMin: 2 }));
  const invoice = w.service({
    name: 'invoice-service',
    lang: 'java',
    format: 'log4j',
    pkg: 'com.shop.billing',
    rps: 14,
    p95: 310,
    errorPct: 0.1,
    cpu: 29,
    accessPerMin: 2,
    components: ['invoices', 'tax', 'exports'],
    version: 'v8.1.1',
    endpoints: [
      { method: 'POST', path: '/api/invoices', weight: 4, cost: 1.5 },
      { method: 'GET', path: '/api/invoices/{id}', weight: 5, cost: 0.4 },
      { method: 'GET', path: '/api/invoices/{id}/pdf', weight: 2, cost: 2 },
    ],
  });
  const renderer = w.service({
    name: 'pdf-renderer',
    lang: 'node',
    format: 'pino',
    rps: 5,
    p95: 1400,
    errorPct: 0.2,
    cpu: 35,
    accessPerMin: 1.5,
    components: ['render', 'fonts'],
    version: 'v0.14.2',
    endpoints: [{ method: 'POST', path: '/render', weight: 1 }],
  });
  const orders = w.service(preset('order-service', { version: 'v5.9.0', rps: 25 }));
  const notifier = w.service(preset('notification-worker', { version: 'v1.9.8' }));

  w.history();
  const vat = w.git.commit({
    at: at('18:10'),
    author: 'Marta Kowalska',
    service: 'invoice-service',
    message: 'fix(tax): round VAT per line instead of per invoice',
    files: [
      'services/invoice-service/src/main/java/com/shop/billing/tax/VatCalculator.java',
      'services/invoice-service/src/test/java/com/shop/billing/tax/VatCalculatorTest.java',
    ],
  });
  w.deploy({
    at: at('18:55'),
    service: 'invoice-service',
    version: 'v8.1.2',
    commits: [vat],
    environment: 'staging',
    by: 'Marta Kowalska',
  });
  const herring = w.deploy({
    at: at('19:40'),
    service: 'invoice-service',
    version: 'v8.1.2',
    commits: [vat],
    by: 'Marta Kowalska',
    description: vat.message,
  });

  const fill = (m: number) => 68 + 32 * Math.min(1, (m / ((full - jobStart) / MINUTE)) ** 1.15);
  w.series({
    metric: 'disk_used_percent',
    tags: { service: 'invoice-service', host: 'invoice-vm-02', mount: '/var/lib/invoice' },
    unit: '%',
    base: 67.8,
    jitter: 0.002,
    decimals: 1,
    max: 100,
  }).shape(jobStart, w.now + MINUTE, (m) => Math.min(100, fill(m)));
  w.series({
    metric: 'disk_used_percent',
    tags: { service: 'invoice-service', host: 'invoice-vm-01', mount: '/var/lib/invoice' },
    unit: '%',
    base: 61.2,
    jitter: 0.002,
    decimals: 1,
  });
  w.series({
    metric: 'disk_used_percent',
    tags: { service: 'invoice-service', host: 'invoice-vm-02', mount: '/' },
    unit: '%',
    base: 83.5,
    jitter: 0.001,
    decimals: 1,
  });
  w.series({
    metric: 'disk_write_mb_s',
    tags: { service: 'invoice-service', host: 'invoice-vm-02' },
    unit: 'MB/s',
    base: 2.1,
    jitter: 0.3,
    decimals: 1,
  }).level(jobStart, 38, { ramp: 2, until: full, recover: 1, jitter: 0.15 });
  invoice.cpu.level(jobStart, 64, { ramp: 3, until: full, recover: 2 });
  invoice.errors.level(full, 64, { ramp: 1, jitter: 0.05 });
  invoice.failuresLookLike(full, [500], ['/api/invoices', '/api/invoices/{id}/pdf']);
  invoice.latency.level(jobStart + 10 * MINUTE, 480, { ramp: 20 });
  renderer.errors.level(full, 88, { ramp: 1, jitter: 0.03 });
  orders.errors.level(full + MINUTE, 1.4, { ramp: 2, jitter: 0.15 });

  for (const svc of [gateway, orders, notifier]) everydayNoise(svc);
  gcPauses(invoice, 4, 1536);
  scheduledJob(invoice, 'dunning-reminders', 60, 15, [20, 70]);
  invoice.every(w.start, w.now, 1 / 60, (r) => ({
    level: 'error',
    logger: 'com.shop.billing.mail.InvoiceMailer',
    msg: `SMTP send failed for invoice INV-${r.int(100000, 999999)}: 450 4.2.1 mailbox temporarily unavailable, will retry`,
  }));
  invoice.every(w.start, w.now, 2 / 60, () => ({
    level: 'warn',
    logger: 'com.shop.billing.monitoring.DiskSpaceHealthIndicator',
    msg: 'Free disk space on / below threshold: 17% free (threshold 20%)',
  }));
  invoice.log(jobStart + 800, {
    level: 'info',
    logger: 'com.shop.billing.exports.MonthEndExportJob',
    msg: 'month-end export started: period=2024-01, merchants=18234, target=/var/lib/invoice/exports/2024-01',
  });
  invoice.every(jobStart, full, 1 / 5, (r) => ({
    level: 'info',
    logger: 'com.shop.billing.exports.MonthEndExportJob',
    msg: `export progress: ${r.int(1000, 18000)}/18234 merchants, bundle size so far ${r.int(20, 160)} GB`,
  }));
  invoice.every(full, w.now, 7, (r) => ({
    level: 'error',
    logger: 'com.shop.billing.invoices.InvoiceService',
    msg: `Failed to store invoice INV-${r.int(100000, 999999)}`,
    stack: javaStack(r, 'java.io.IOException: No space left on device', [
      'java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)',
      'java.base/sun.nio.ch.FileChannelImpl.write(FileChannelImpl.java:286)',
      'com.shop.billing.storage.LocalInvoiceStore.write(LocalInvoiceStore.java:61)',
      'com.shop.billing.invoices.InvoiceService.create(InvoiceService.java:102)',
    ]),
  }));
  invoice.log(full + 40_000, {
    level: 'error',
    logger: 'com.shop.billing.exports.MonthEndExportJob',
    msg: 'month-end export aborted: java.io.IOException: No space left on device',
  });
  renderer.every(full, w.now, 4, (r) => ({
    level: 'error',
    msg: 'render failed',
    fields: { doc: `INV-${r.int(100000, 999999)}.pdf` },
    stack: nodeStack(`Error: ENOSPC: no space left on device, write`, [
      'Object.writeSync (node:fs:927:3)',
      'writeTmpPdf (/app/dist/render/tmp.js:19:6)',
    ]),
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Disk full: month-end export fills the invoice volume',
      incident: 'Invoices cannot be created and PDFs fail since ~20:07',
      dataset: place.dataset,
      since: '6h',
      expect: {
        runbook: 'invoice-service/disk-full.md',
        suspect: { kind: ['infrastructure', 'capacity'] },
        rootCauseKeywords: ['disk', 'no space', 'ENOSPC'],
        mustNot: { suspectIds: [herring.id, herring.version, vat.sha], suspectKinds: ['deployment', 'commit'] },
      },
    },
  };
}
