import { afterEach, describe, expect, it } from 'vitest';
import type { ToolOutputRecord } from '../../src/agent/types.js';
import { blockText, type StoredMessage } from '../fakes/slack/server.js';
import { type Harness, ScriptedEngine, startSocketHarness } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const CHANNEL = 'C0INCIDENT';
const POOL = 'HikariPool-<n> - Connection is not available, request timed out after <duration>.';

function errorSummary(signature: string, service: string): ToolOutputRecord {
  return {
    server: 'logs',
    tool: 'error_summary',
    args: { since: '2h' },
    ok: true,
    text: `1 distinct signatures\n1. 40× ERROR ${signature}`,
    structured: { signatures: [{ signature, level: 'error', count: 40, services: [service] }] },
  };
}

async function analyse(h: Harness, text: string, channel = CHANNEL): Promise<{ parent: StoredMessage; report: StoredMessage }> {
  const before = h.fake.messages.length;
  await h.fake.slashCommand(text, { channel });
  const parent = await h.fake.waitFor('the parent', () => h.fake.messages.slice(before).find((m) => m.channel === channel && !m.thread_ts));
  const report = await h.fake.waitFor('the report', () =>
    h.fake.thread(channel, parent.ts).find((m) => m.blocks?.some((b) => b.type === 'header')),
  );
  return { parent, report };
}

describe('incident memory in Slack', () => {
  it('the second incident with a shared signature shows the first as similar (reasons, permalink); an unrelated one shows none', async () => {
    const engine = new ScriptedEngine();
    engine.outputs = [errorSummary(POOL, 'checkout-api')];
    engine.reportOverrides = {
      suspect: { kind: 'deployment', id: 'v2.3.1', service: 'checkout-api' },
      summary: 'Pool exhausted after v2.3.1',
    };
    harness = await startSocketHarness({}, engine);
    const first = await analyse(harness, 'checkout returns 502');
    expect(blockText(first.report)).not.toContain('Similar past incidents');

    engine.reportOverrides = { suspect: { kind: 'config', service: 'checkout-api' }, summary: 'Pool exhausted again' };
    const second = await analyse(harness, 'checkout errors again');
    const text = blockText(second.report);
    expect(text).toContain('Similar past incidents');
    expect(text).toContain('Pool exhausted after v2.3.1');
    expect(text).toContain('not confirmed');
    expect(text).toContain('same error signature `HikariPool-&lt;n&gt; - Connection is not available');
    expect(text).toContain('same service checkout-api');
    expect(text).toContain(`<https://fake.slack.com/archives/${CHANNEL}/p${first.parent.ts.replace('.', '')}|`);
    expect(harness.fake.callsOf('chat.getPermalink').map((c) => c.args.message_ts)).toContain(first.parent.ts);
    // The engine was given the earlier incident as past data before it started.
    expect(engine.requests[1]?.pastIncidents?.[0]?.summary).toBe('Pool exhausted after v2.3.1');
    expect(engine.requests[0]?.pastIncidents).toBeUndefined();

    engine.outputs = [errorSummary('disk quota exceeded on <path>', 'search-indexer')];
    engine.reportOverrides = { suspect: { kind: 'capacity', service: 'search-indexer' }, summary: 'Disk full on the indexer' };
    const third = await analyse(harness, 'search results stale');
    expect(blockText(third.report)).not.toContain('Similar past incidents');

    const actions = third.report.blocks?.find((b) => b.type === 'actions') as { elements: Array<{ value: string }> } | undefined;
    const recording = await harness.bot.deps.memory.recording(actions?.elements[0]?.value ?? '');
    expect(recording?.calls[0]?.structured).toEqual(engine.outputs[0]?.structured);
    expect(harness.fake.invalid).toEqual([]);
    expect(harness.fake.hygiene).toEqual([]);
  });

  it('/rca history lists this channel’s analyses only (like /rca status), filtered by service; /rca stats counts them', async () => {
    const engine = new ScriptedEngine();
    engine.outputs = [errorSummary(POOL, 'checkout-api')];
    engine.reportOverrides = { summary: 'Checkout pool exhausted', suspect: { kind: 'deployment', id: 'v9', service: 'checkout-api' } };
    harness = await startSocketHarness({ RESPONDERS: ['U0BOSS01'] }, engine);
    await analyse(harness, 'checkout broken');
    engine.reportOverrides = { summary: 'Secret project outage', suspect: { kind: 'config', service: 'hidden-svc' } };
    engine.outputs = [errorSummary('boom', 'hidden-svc')];
    await analyse(harness, 'hidden thing broken', 'C0OTHER');

    const here = blockText((await harness.fake.slashCommand('history', { channel: CHANNEL })) as never);
    expect(here).toContain('Checkout pool exhausted');
    expect(here).toContain('this channel');
    expect(here).not.toContain('Secret project outage');
    const other = blockText((await harness.fake.slashCommand('history hidden-svc', { channel: 'C0OTHER' })) as never);
    expect(other).toContain('Secret project outage');
    expect(other).not.toContain('Checkout pool exhausted');
    const filtered = blockText((await harness.fake.slashCommand('history checkout-api', { channel: 'C0OTHER' })) as never);
    expect(filtered).toContain('No past analyses of checkout-api');

    const all = blockText((await harness.fake.slashCommand('history', { channel: CHANNEL, user: 'U0BOSS01' })) as never);
    expect(all).toContain('all channels');
    expect(all).toContain('Secret project outage');
    expect(all).toContain('Checkout pool exhausted');

    const stats = blockText((await harness.fake.slashCommand('stats')) as never);
    expect(stats).toMatch(/\*scripted\*: 2 analyses/);
  });
});
