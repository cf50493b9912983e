import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AlertGroups } from '../src/slack/webhooks/groups.js';
import { createWebhookHandler } from '../src/slack/webhooks/http.js';
import { startWebhookServer } from '../src/slack/webhooks/server.js';
import { AnalysisJob, type Trigger } from '../src/slack/worker/job.js';
import { SqliteStore } from '../src/store/sqlite.js';

/**
 * Memory under an alert flood: 1,000 deliveries of about 0.9 MB each over loopback HTTP, spread over new groups (one
 * alert with a 0.9 MB description), existing groups gaining 1,000 alerts of 0.9 KB, over-size bodies (413) and a
 * full queue (503). Every answer must be one of those, and the process' RSS stays under RSS_BOUND_MB.
 * Run: npm run build && node --expose-gc dist/bench/webhooks-flood.js
 */

const DELIVERIES = 1000;
/** Deliveries in flight at once (Alertmanager sends groups in parallel). */
const PARALLEL = 8;
/** The stated bound: groups at most 100 MiB (groups.ts) plus the runtime, SQLite's cache and bodies in flight. */
const RSS_BOUND_MB = 400;
const TOKEN = 'bench-token-0123456789abcdef';

function alertmanager(group: number, alerts: { i: number; description: string }[]): string {
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  return JSON.stringify({
    version: '4',
    receiver: 'incidentpilot',
    status: 'firing',
    groupKey: `{}:{alertname="Flood${group}"}`,
    groupLabels: { alertname: `Flood${group}` },
    commonLabels: { alertname: `Flood${group}` },
    commonAnnotations: {},
    truncatedAlerts: 0,
    alerts: alerts.map(({ i, description }) => ({
      status: 'firing',
      labels: { alertname: `Flood${group}`, instance: `host-${i}` },
      annotations: { summary: `host ${i} down`, description },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: `${group}-${i}`,
    })),
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-flood-'));
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  let deliveries = 0;
  const store = SqliteStore.open(path.join(dir, 'state.db'));
  const groups = new AlertGroups({
    service: {
      // Every 10th delivery finds the queue full: a new group is then answered 503.
      get full() {
        return deliveries % 10 === 9;
      },
      submit: (trigger: Trigger) => ({ ok: true as const, job: new AnalysisJob(trigger, Date.now()), position: 0 }),
      noteInThread: async () => {},
      resolveAlert: async () => {},
      find: async () => undefined,
    },
    store,
    io: { post: async () => '1.000100', update: async () => {}, ephemeral: async () => {} },
    cooldownMs: 15 * 60_000,
    logger,
  });
  const handler = createWebhookHandler({ token: TOKEN, defaultChannel: 'C0FLOOD', groups, logger });
  const server = await startWebhookServer(handler, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${server.port}/alerts/alertmanager`;

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const before = process.memoryUsage().rss;
  const statuses = new Map<number, number>();
  const bigDescription = 'd'.repeat(900_000);
  const body = (n: number): string => {
    const kind = n % 3;
    if (kind === 0) return alertmanager(n, [{ i: 0, description: bigDescription }]);
    if (kind === 1) {
      // An existing group (one of 20) gains up to 1,000 new alerts of ~0.9 KB.
      const alerts = Array.from({ length: 1000 }, (_, k) => ({ i: n * 1000 + k, description: 'x'.repeat(800) }));
      return alertmanager(n % 20, alerts);
    }
    return 'x'.repeat(1_100_000); // past the 1 MiB body cap: 413
  };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < DELIVERIES) {
      const n = next++;
      deliveries = n;
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body(n),
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  await groups.settled();
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage().rss;
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const answers = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
  const unexpected = [...statuses.keys()].filter((status) => ![200, 202, 413, 503].includes(status));
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(
    `${DELIVERIES} deliveries of ~0.9 MB in ${seconds.toFixed(1)} s: answers ${answers.join(' ')}; RSS ${mb(before)} MB before, peak ${mb(peak)} MB, ${mb(after)} MB after (bound ${RSS_BOUND_MB} MB)`,
  );
  if (unexpected.length > 0 || peak / 1024 / 1024 > RSS_BOUND_MB) {
    console.error(`flood bench failed: unexpected answers ${unexpected.join(', ') || 'none'}, peak ${mb(peak)} MB`);
    process.exitCode = 1;
  }
}

await main();
