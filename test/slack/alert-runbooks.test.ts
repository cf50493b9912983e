import { describe, expect, it } from 'vitest';
import { alertRefs, MAX_ALERT_REFS, runbookUrlOf } from '../../src/slack/alerts/runbook-url.js';
import type { ParsedAlert } from '../../src/slack/alerts/types.js';
import { alertTrigger } from '../../src/slack/webhooks/incident.js';
import type { WebhookAlert, WebhookGroup } from '../../src/slack/webhooks/schema.js';
import { AnalysisJob } from '../../src/slack/worker/job.js';
import { SqliteStore } from '../../src/store/sqlite.js';

function parsed(labels: Record<string, string>, details = ''): ParsedAlert {
  return { source: 'alertmanager', status: 'firing', title: 't', alertName: 'HighErrorRate', labels, details };
}

function webhookAlert(name: string, runbook?: string): WebhookAlert {
  return {
    status: 'firing',
    labels: { alertname: name, service: 'checkout-api' },
    annotations: runbook ? { runbook_url: runbook } : {},
    startsAt: '2026-03-01T10:00:00.000Z',
    fingerprint: `fp-${name}`,
    links: [],
  };
}

function group(alerts: WebhookAlert[], common: Record<string, string> = {}): WebhookGroup {
  return {
    source: 'alertmanager',
    receiver: 'incidentpilot',
    status: 'firing',
    groupKey: '{}',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: common,
    alerts,
    truncatedAlerts: 0,
  };
}

describe('an alert message’s runbook_url', () => {
  it('comes from a runbook_url or runbook label/field, else a link labelled Runbook in the text', () => {
    expect(runbookUrlOf(parsed({ runbook_url: 'https://rb.example/a.md' }))).toBe('https://rb.example/a.md');
    expect(runbookUrlOf(parsed({ Runbook: 'https://rb.example/b.md' }))).toBe('https://rb.example/b.md');
    expect(runbookUrlOf(parsed({}, 'firing <https://grafana.example/d|Dashboard> <https://rb.example/c.md|:book: Runbook>'))).toBe(
      'https://rb.example/c.md',
    );
  });

  it('is nothing for a non-http link or no link', () => {
    expect(runbookUrlOf(parsed({ runbook_url: 'javascript:alert(1)' }))).toBeUndefined();
    expect(runbookUrlOf(parsed({}, 'no links here'))).toBeUndefined();
  });
});

describe('webhook alerts carry their runbooks to the engine', () => {
  it('each firing alert’s runbook_url, the group’s common one as fallback, deduplicated', () => {
    const firing = [webhookAlert('PoolExhausted', 'https://rb.example/pool.md'), webhookAlert('HighErrors'), webhookAlert('HighErrors')];
    const trigger = alertTrigger(group(firing, { runbook_url: 'https://rb.example/errors.md' }), firing, 'C1', '1.2');
    expect(trigger.alerts).toEqual([
      { name: 'PoolExhausted', runbookUrl: 'https://rb.example/pool.md' },
      { name: 'HighErrors', runbookUrl: 'https://rb.example/errors.md' },
    ]);
  });

  it('survive the state store: the job read back after a restart re-runs with the same alerts, secrets redacted', async () => {
    const firing = [webhookAlert('PoolExhausted', 'https://rb.example/pool.md?token=RbTok-77'), webhookAlert('HighErrors')];
    const trigger = alertTrigger(group(firing, { runbook_url: 'https://rb.example/errors.md' }), firing, 'C1', '1.2');
    const store = SqliteStore.open(':memory:');
    try {
      await store.saveAnalysis(new AnalysisJob(trigger, 1_000, 'AW1').toStored());
      const again = AnalysisJob.fromStored((await store.getAnalysis('AW1'))!);
      expect(again.trigger.alerts?.[1]).toEqual({ name: 'HighErrors', runbookUrl: 'https://rb.example/errors.md' });
      expect(again.trigger.alerts?.[0]?.name).toBe('PoolExhausted');
      expect(again.trigger.alerts?.[0]?.runbookUrl).toMatch(/^https:\/\/rb\.example\/pool\.md\?token=\S*REDACTED/);
      expect(JSON.stringify(await store.getAnalysis('AW1'))).not.toContain('RbTok-77');
    } finally {
      await store.close();
    }
  });

  it('keeps at most MAX_ALERT_REFS', () => {
    const many = Array.from({ length: MAX_ALERT_REFS + 1 }, (_, i) => ({ name: `A${i}` }));
    expect(alertRefs(many)).toHaveLength(MAX_ALERT_REFS);
    expect(alertRefs(many.slice(0, MAX_ALERT_REFS - 1))).toHaveLength(MAX_ALERT_REFS - 1);
  });
});

describe('adversarial alert text', () => {
  it('finds the runbook link in linear time however the text is built (separate process, hard timeout)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const mod = fileURLToPath(new URL('../../dist/src/slack/alerts/runbook-url.js', import.meta.url));
    const script = `
      const { runbookUrlOf } = await import(${JSON.stringify(mod)});
      const n = 100000;
      const texts = ['<https://a|'.repeat(n), '<https://' + 'a'.repeat(n), ('<https://a|' + 'r'.repeat(199) + '>').repeat(2000)];
      const started = Date.now();
      for (const details of texts) runbookUrlOf({ source: 'generic', status: 'firing', title: '', alertName: 'x', labels: {}, details });
      console.log(Date.now() - started);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(Number(run.stdout.trim())).toBeLessThan(5_000);
  });
});
