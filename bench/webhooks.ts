import { AlertGroups } from '../src/slack/webhooks/groups.js';
import { createWebhookHandler } from '../src/slack/webhooks/http.js';
import { startWebhookServer } from '../src/slack/webhooks/server.js';
import { AnalysisJob, type Trigger } from '../src/slack/worker/job.js';
import { SqliteStore } from '../src/store/sqlite.js';

/**
 * Alert webhook answer times over loopback HTTP: what Alertmanager waits for per delivery. Slack and the engine are
 * stubbed (they run after the answer), so the figure is auth, body read, JSON, zod, grouping and the reply.
 * Run: npm run build && node dist/bench/webhooks.js [requests per case]
 */

const DEFAULT_REQUESTS = 300;
const TOKEN = 'bench-token-0123456789abcdef';

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function payload(group: number, alerts: number): string {
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  return JSON.stringify({
    version: '4',
    receiver: 'incidentpilot',
    status: 'firing',
    groupKey: `{}:{alertname="Bench${group}"}`,
    groupLabels: { alertname: `Bench${group}` },
    commonLabels: { alertname: `Bench${group}`, severity: 'critical', service: 'checkout' },
    commonAnnotations: { summary: 'checkout 5xx above 5%' },
    externalURL: 'http://alertmanager:9093',
    truncatedAlerts: 0,
    alerts: Array.from({ length: alerts }, (_, i) => ({
      status: 'firing',
      labels: { alertname: `Bench${group}`, severity: 'critical', service: 'checkout', instance: `checkout-${i}:8080`, namespace: 'prod' },
      annotations: { summary: 'checkout 5xx above 5%', runbook_url: 'https://runbooks.example.com/5xx' },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=rate(http_errors_total%5B5m%5D)',
      fingerprint: `${group.toString(16)}-${i}`,
    })),
  });
}

async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? DEFAULT_REQUESTS);
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const groups = new AlertGroups({
    service: {
      full: false,
      submit: (trigger: Trigger) => ({ ok: true as const, job: new AnalysisJob(trigger, Date.now()), position: 0 }),
      noteInThread: async () => {},
      resolveAlert: async () => {},
      find: async () => undefined,
    },
    store: SqliteStore.open(':memory:'),
    io: { post: async () => '1.000100', update: async () => {}, ephemeral: async () => {} },
    cooldownMs: 15 * 60_000,
    logger,
  });
  const handler = createWebhookHandler({ token: TOKEN, defaultChannel: 'C0BENCH', groups, logger });
  const server = await startWebhookServer(handler, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${server.port}/alerts/alertmanager`;
  const post = async (body: string | Buffer, token = TOKEN) => {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    return { ms: performance.now() - started, status: response.status };
  };

  const big = payload(999_999, 500);
  const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
  const cases: Array<{ name: string; run: (i: number) => Promise<{ ms: number; status: number }>; expect: number; n?: number }> = [
    { name: 'new group, 1 alert (202)', run: (i) => post(payload(i, 1)), expect: 202 },
    { name: 'resend, nothing new (200)', run: () => post(payload(0, 1)), expect: 200 },
    {
      name: `group of 500 alerts, ${Math.round(big.length / 1024)} KiB (200)`,
      run: () => post(big),
      expect: 200,
      n: Math.min(requests, 50),
    },
    { name: 'wrong token (401)', run: () => post(payload(0, 1), 'x'.repeat(TOKEN.length)), expect: 401 },
    { name: '5 MB body (413)', run: () => post(huge), expect: 413, n: Math.min(requests, 20) },
  ];
  try {
    await post(big); // first sight of the big group, so its case measures resends
    for (const bench of cases) {
      const times: number[] = [];
      const n = bench.n ?? requests;
      for (let i = 0; i < n; i += 1) {
        const { ms, status } = await bench.run(i);
        if (status !== bench.expect) throw new Error(`${bench.name}: got ${status}`);
        times.push(ms);
      }
      times.sort((a, b) => a - b);
      console.log(
        `${bench.name.padEnd(42)} n=${String(n).padStart(4)}  p50 ${percentile(times, 50).toFixed(2)} ms  p95 ${percentile(times, 95).toFixed(2)} ms`,
      );
    }
  } finally {
    await server.close();
  }
}

await main();
