import { describe, expect, it } from 'vitest';
import { AlertGroups } from '../../src/slack/webhooks/groups.js';
import { parsePayload } from '../../src/slack/webhooks/http.js';
import {
  alertBytes,
  boundGroup,
  FIELD_BOUNDS,
  GROUP_MAX_BYTES,
  type WebhookAlert,
  type WebhookGroup,
} from '../../src/slack/webhooks/schema.js';
import { AnalysisJob } from '../../src/slack/worker/job.js';
import { SqliteStore } from '../../src/store/sqlite.js';

/** What one sender can make the bot keep is bounded: display fields are cut, a group's alerts past a budget counted. */

function alert(i: number, summary: string): WebhookAlert {
  return {
    status: 'firing',
    labels: { alertname: 'DiskFull', instance: `host-${i}` },
    annotations: { summary },
    startsAt: '2026-03-01T10:00:00.000Z',
    fingerprint: `fp-${i}`,
    links: [],
  };
}

function group(alerts: WebhookAlert[]): WebhookGroup {
  return {
    source: 'alertmanager',
    receiver: 'r',
    status: 'firing',
    groupKey: 'k',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts,
    truncatedAlerts: 3,
  };
}

describe('webhook alert groups are bounded in bytes', () => {
  it('a 0.9 MB annotation is cut to its bound; labels and annotations past their count are dropped', () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    const big = { ...alert(1, 'x'.repeat(900_000)), labels: { alertname: 'A', ...many } };
    const bounded = boundGroup(group([big])).alerts[0];
    expect(bounded?.annotations.summary).toHaveLength(FIELD_BOUNDS.annotationValue);
    expect(Object.keys(bounded?.labels ?? {})).toHaveLength(FIELD_BOUNDS.labels);
    expect(Object.values(bounded?.labels ?? {}).every((value) => value.length <= FIELD_BOUNDS.labelValue)).toBe(true);
    expect(alertBytes(bounded as WebhookAlert)).toBeLessThan(32 * 1024);
  });

  it('alerts past GROUP_MAX_BYTES are counted in truncatedAlerts, not kept', () => {
    const alerts = Array.from({ length: 1000 }, (_, i) => alert(i, 's'.repeat(900)));
    const bounded = boundGroup(group(alerts));
    const kept = bounded.alerts.reduce((sum, a) => sum + alertBytes(a), 0);
    expect(kept).toBeLessThanOrEqual(GROUP_MAX_BYTES);
    expect(bounded.alerts.length).toBeLessThan(1000);
    expect(bounded.truncatedAlerts).toBe(3 + 1000 - bounded.alerts.length);
  });

  it('a parsed Alertmanager payload of 0.9 MB keeps a few KB', () => {
    const body = JSON.stringify({
      version: '4',
      status: 'firing',
      receiver: 'r',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'A' },
          annotations: { description: 'd'.repeat(900_000) },
          startsAt: '2026-03-01T10:00:00Z',
        },
      ],
    });
    const parsed = parsePayload('alertmanager', body);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(JSON.stringify(parsed.group).length).toBeLessThan(4096);
  });
});

describe('a group growing over deliveries', () => {
  it('keeps at most GROUP_MAX_BYTES of alerts in memory and in its store row; the rest are counted', async () => {
    const store = SqliteStore.open(':memory:');
    const groups = new AlertGroups({
      service: {
        full: false,
        submit: (trigger) => ({ ok: true as const, job: new AnalysisJob(trigger, Date.now()), position: 0 }),
        noteInThread: async () => {},
        resolveAlert: async () => {},
        find: async () => undefined,
      },
      store,
      io: { post: async () => '1.000100', update: async () => {}, ephemeral: async () => {} },
      cooldownMs: 15 * 60_000,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(await groups.receive(group([alert(0, 'first')]), 'C0ALERTS')).toBe('started');
    await groups.settled();
    // Three deliveries, each just under the budget on its own, with alerts new to the group.
    for (let d = 1; d <= 3; d++) {
      const alerts = Array.from({ length: 250 }, (_, i) => alert(d * 1000 + i, 's'.repeat(900)));
      await groups.receive(group(alerts), 'C0ALERTS');
    }
    await groups.settled();
    const stored = await store.alertGroup('alertmanager\nr\nC0ALERTS\nk');
    const alerts = (stored?.alerts ?? []) as WebhookAlert[];
    expect(alerts.length).toBeGreaterThan(200);
    expect(alerts.reduce((sum, a) => sum + alertBytes(a), 0)).toBeLessThanOrEqual(GROUP_MAX_BYTES);
    expect((stored?.latest as WebhookGroup | undefined)?.truncatedAlerts ?? 0).toBeGreaterThan(3);
    await store.close();
  });
});
