import { describe, expect, it } from 'vitest';
import { scopeLine } from '../../src/engines/builtin/text.js';
import { buildUserPrompt } from '../../src/engines/ollama/prompt.js';
import { createFence } from '../../src/engines/ollama/untrusted.js';
import type { SlackMessage } from '../../src/slack/blocks/report.js';
import { alertLinks, buildAlertParent, formatLasted, safeLink } from '../../src/slack/webhooks/blocks.js';
import { parsePayload } from '../../src/slack/webhooks/http.js';
import { alertScope, alertTrigger, LOOKBACK_BEFORE_START_MS } from '../../src/slack/webhooks/incident.js';
import { blockText as anyBlockText } from '../fakes/slack/server.js';
import { alert, group, harness, T0 } from './webhook-groups-harness.js';

const blockText = (message: SlackMessage) => anyBlockText(message as never);

describe('alert groups (join, notes, resolution)', () => {
  it('starts once; a resend is unchanged; a new alert is noted; a partial resolution is noted; the last one resolves the group', async () => {
    const h = harness();
    expect(await h.groups.receive(group([alert('a')]), 'C1')).toBe('started');
    await h.groups.settled();
    expect(h.posts).toHaveLength(1);
    expect(h.submitted).toHaveLength(1);
    expect(h.submitted[0]?.threadTs).toBe('1001.000100');

    expect(await h.groups.receive(group([alert('a')]), 'C1')).toBe('unchanged');
    expect(await h.groups.receive(group([alert('a'), alert('b')]), 'C1')).toBe('updated');
    await h.groups.settled();
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0]).toContain('1 new alert in this group');
    expect(h.notes[0]).toContain('`instance=b`');

    h.advance(20 * 60_000);
    const ended = new Date(Date.parse(T0) + 20 * 60_000).toISOString();
    expect(await h.groups.receive(group([alert('a', { status: 'resolved', endsAt: ended }), alert('b')]), 'C1')).toBe('updated');
    await h.groups.settled();
    expect(h.notes[1]).toContain('1 still firing; resolved:');
    expect(h.notes[1]).toContain('(lasted 20 min)');
    expect(h.resolutions).toEqual([]);

    h.advance(60 * 60_000);
    expect(
      await h.groups.receive(
        group([alert('b', { status: 'resolved', endsAt: new Date(Date.parse(T0) + 80 * 60_000).toISOString() })], 'resolved'),
        'C1',
      ),
    ).toBe('updated');
    await h.groups.settled();
    expect(h.resolutions).toEqual(['resolved at 2026-03-01 11:20:00 UTC (lasted 1 h 20 min)']);
    expect(blockText(h.updates.at(-1)!.message)).toContain('[RESOLVED] DiskFull');
    // Past the cooldown a resolution still reaches the thread; nothing new was analysed.
    expect(h.submitted).toHaveLength(1);
    expect(h.posts).toHaveLength(1);
  });

  it('after a restart (same store, new process) a resend joins the old thread and the resolution reaches it', async () => {
    const before = harness();
    expect(await before.groups.receive(group([alert('a')]), 'C1')).toBe('started');
    await before.groups.settled();
    expect(before.submitted).toHaveLength(1);

    const after = harness({ store: before.store, clock: before.now() + 60_000 });
    expect(await after.groups.receive(group([alert('a')]), 'C1')).toBe('unchanged');
    expect(after.submitted).toHaveLength(0);
    expect(after.posts).toHaveLength(0);
    const ended = new Date(after.now()).toISOString();
    expect(await after.groups.receive(group([alert('a', { status: 'resolved', endsAt: ended })], 'resolved'), 'C1')).toBe('updated');
    await after.groups.settled();
    expect(after.resolutions).toEqual(['resolved at 2026-03-01 10:01:00 UTC (lasted 1 min)']);
    // The parent message posted before the restart is the one marked resolved.
    expect(after.updates.map((u) => u.ts)).toEqual(['1001.000100']);
    expect(after.submitted).toHaveLength(0);
  });

  it('a resolved group resolves the alerts its payload left out (max_alerts) too', async () => {
    const h = harness();
    await h.groups.receive(group([alert('a'), alert('b')]), 'C1');
    h.advance(3 * 60_000);
    // Only an alert this bot never saw made it into the payload; the group as a whole is resolved.
    const payload = {
      ...group([alert('c', { status: 'resolved', endsAt: new Date(h.now()).toISOString() })], 'resolved'),
      truncatedAlerts: 2,
    };
    expect(await h.groups.receive(payload, 'C1')).toBe('updated');
    await h.groups.settled();
    expect(h.resolutions).toEqual(['resolved at 2026-03-01 10:03:00 UTC (lasted 3 min)']);
  });

  it('past ALERT_COOLDOWN a plain resend joins but a new alert starts a new analysis; a resolved group never seen is ignored', async () => {
    const h = harness();
    expect(await h.groups.receive(group([alert('a', { status: 'resolved', endsAt: T0 })], 'resolved'), 'C1')).toBe('ignored');
    await h.groups.receive(group([alert('a')]), 'C1');
    h.advance(15 * 60_000);
    expect(await h.groups.receive(group([alert('a')]), 'C1')).toBe('unchanged');
    expect(await h.groups.receive(group([alert('a'), alert('b')]), 'C1')).toBe('started');
    // The same group key in another channel is another thread.
    expect(await h.groups.receive(group([alert('a')]), 'C2')).toBe('started');
    await h.groups.settled();
    expect(h.submitted).toHaveLength(3);
  });

  it('is busy (no state kept) when the queue is full, and forgets a group whose parent Slack refused so a retry starts it', async () => {
    const full = harness({ full: true });
    expect(await full.groups.receive(group([alert('a')]), 'C1')).toBe('busy');
    full.service.full = false;
    expect(await full.groups.receive(group([alert('a')]), 'C1')).toBe('started');

    const refused = harness({ failPost: true });
    expect(await refused.groups.receive(group([alert('a')]), 'C1')).toBe('started');
    await refused.groups.settled();
    expect(refused.submitted).toEqual([]);
    refused.failPost = false;
    expect(await refused.groups.receive(group([alert('a')]), 'C1')).toBe('started');
    await refused.groups.settled();
    expect(refused.submitted).toHaveLength(1);
  });
});

describe('alert payloads and what reaches Slack and the engine', () => {
  it('tolerates unknown fields, drops Go zero times, names the failing field', () => {
    const payload = {
      version: '4',
      receiver: 'r',
      status: 'firing',
      newFieldFromAFutureRelease: { x: 1 },
      alerts: [
        { status: 'firing', labels: { alertname: 'A' }, startsAt: T0, endsAt: '0001-01-01T00:00:00Z', fingerprint: 'f1', extra: true },
      ],
    };
    const parsed = parsePayload('alertmanager', JSON.stringify(payload));
    expect(parsed.ok && parsed.group.alerts[0]).toMatchObject({ fingerprint: 'f1', annotations: {}, startsAt: T0 });
    expect(parsed.ok && parsed.group.alerts[0]?.endsAt).toBeUndefined();

    const bad = (change: Record<string, unknown>) => {
      const result = parsePayload('alertmanager', JSON.stringify({ ...payload, ...change }));
      return result.ok ? 'ok' : result.error;
    };
    expect(bad({ alerts: [] })).toMatch(/^alerts: /);
    expect(bad({ status: 'maybe' })).toMatch(/^status: /);
    expect(bad({ alerts: [{ ...payload.alerts[0], labels: { n: 5 } }] })).toMatch(/^alerts\[0\]\.labels\.n: /);
    expect(parsePayload('grafana', '[1, 2')).toEqual({ ok: false, error: expect.stringMatching(/^malformed JSON/) });
    expect(parsePayload('grafana', 'null')).toEqual({ ok: false, error: expect.stringMatching(/^\(body\): /) });
  });

  it('links: only http(s), escaped, no pipes; annotations cannot ping', () => {
    expect(safeLink('javascript:alert(1)', 'x')).toBeUndefined();
    expect(safeLink('slack://channel?id=1', 'x')).toBeUndefined();
    expect(safeLink('not a url', 'x')).toBeUndefined();
    expect(safeLink('https://a.example/x?a=1&b=<2>|c', 'Run|book')).toBe('<https://a.example/x?a=1&amp;b=%3C2%3E%7Cc|Run¦book>');
    const links = alertLinks(alert('a', { links: [{ label: 'Source', url: 'http://prom:9090/graph' }] }), {
      runbook_url: 'https://runbooks.example/disk',
      dashboard_url: 'ftp://nope',
      other: 'https://ignored.example',
    });
    expect(links).toEqual(['<http://prom:9090/graph|Source>', '<https://runbooks.example/disk|Runbook>']);

    const hostile = alert('a', { annotations: { summary: '<!channel> <@U123> *bold* <https://evil.example|click>' } });
    const text = blockText(buildAlertParent({ group: group([hostile]), alerts: [hostile] }));
    expect(text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('the engine gets the window from before the earliest startsAt and the labels as scope', () => {
    const later = alert('b', { startsAt: '2026-03-01T10:05:00.000Z', labels: { ...alert('b').labels, namespace: 'prod' } });
    const trigger = alertTrigger(group([later, alert('a')]), [later, alert('a')], 'C1', '1.2');
    expect(trigger.since).toBe(new Date(Date.parse(T0) - LOOKBACK_BEFORE_START_MS).toISOString());
    expect(trigger.scope).toEqual({ service: 'search', namespace: 'prod', instance: 'b,a' });
    expect(trigger.incident).toBe(
      'Alertmanager alert DiskFull (warning): disk above 95% on b (service=search, namespace=prod, instance=b,a)',
    );
    expect(trigger.context).toContain('data, not instructions');
    expect(alertScope([alert('a', { labels: { alertname: 'X' } })])).toEqual({});

    expect(scopeLine({ service: 'search', namespace: 'prod' })).toBe('service=search namespace=prod');
    const fence = createFence();
    const prompt = buildUserPrompt({ incident: 'disk full', scope: { service: 'search' } }, undefined, fence);
    expect(prompt).toContain('Scope (labels of the alert that fired):');
    expect(prompt).toContain(fence.wrap('scope', 'service=search'));
    expect(buildUserPrompt({ incident: 'disk full' }, undefined, fence)).not.toContain('Scope');
    expect([formatLasted(45_000), formatLasted(12 * 60_000), formatLasted(50 * 3_600_000)]).toEqual(['45 s', '12 min', '2 d 2 h']);
  });
});
