import { afterEach, describe, expect, it } from 'vitest';
import { identityOf } from '../../src/memory/identity.js';
import { describeReason, MIN_SIMILARITY } from '../../src/memory/score.js';
import type { IncidentIdentity, RecordedToolCall } from '../../src/memory/types.js';
import type { StateStore } from '../../src/store/types.js';
import { makeReport } from '../slack/helpers.js';
import { BACKENDS, storeBackends } from './backends.js';

const backends = storeBackends();
let store: StateStore | undefined;
afterEach(() => {
  store = undefined;
});

const POOL = 'HikariPool-<n> - Connection is not available, request timed out after <duration>.';

function identity(id: string, overrides: Partial<IncidentIdentity> = {}): IncidentIdentity {
  return {
    analysisId: id,
    channel: 'C1',
    threadTs: `${id}.1`,
    at: Date.now(),
    engine: 'builtin',
    incident: 'checkout is failing',
    services: ['checkout-api'],
    suspectKind: 'deployment',
    // Each incident blames its own release unless a test says otherwise: the same suspect makes incidents similar.
    suspectId: `rel-${id}`,
    signatures: [POOL],
    metrics: [],
    summary: 'pool exhausted after a pool-size change',
    rootCause: 'pool size lowered',
    confidence: 'high',
    ...overrides,
  };
}

/** SQLite's FTS5 and PostgreSQL's tsvector/GIN search give the same results on every case here. */
describe.each(BACKENDS)('incident memory (%s)', (backend) => {
  it('identity comes from the servers’ structured outputs: error signatures, anomalous metrics, services', () => {
    const calls: RecordedToolCall[] = [
      {
        server: 'logs',
        tool: 'error_summary',
        args: {},
        ok: true,
        text: '',
        structured: {
          signatures: [
            { signature: POOL, level: 'error', services: ['checkout-api'] },
            { signature: 'slow request <n> ms', level: 'warn', services: ['gateway'] },
            { signature: '(other signatures, beyond the tracking limit)', level: 'error', services: [] },
          ],
        },
      },
      {
        server: 'metrics',
        tool: 'get_anomalies',
        args: {},
        ok: true,
        text: '',
        structured: { anomalies: [{ metric: 'db_pool_wait', service: 'orders' }] },
      },
      {
        server: 'logs',
        tool: 'error_summary',
        args: {},
        ok: false,
        text: 'Error',
        structured: { signatures: [{ signature: 'x', level: 'error' }] },
      },
    ];
    const id = identityOf(makeReport(), calls, { analysisId: 'a1', channel: 'C1', at: 1 });
    expect(id.signatures).toEqual([POOL]);
    expect(id.metrics).toEqual(['db_pool_wait']);
    expect(id.services).toEqual(['checkout', 'checkout-api', 'orders']);
    expect(id.suspectKind).toBe('deployment');
  });

  it('a shared signature is found and explained; a rare signature outweighs a common one; unrelated incidents are not similar', async () => {
    store = (await backends.open(backend)).store;
    await store.memory.remember(identity('past-1', { signatures: [POOL, 'health check failed'] }));
    for (let i = 0; i < 20; i++) {
      await store.memory.remember(
        identity(`noise-${i}`, { services: [`svc-${i}`], suspectKind: 'config', signatures: ['health check failed'] }),
      );
    }
    await store.memory.remember(
      identity('other', { services: ['search'], suspectKind: 'capacity', signatures: ['index shard <n> unavailable'] }),
    );

    const matches = await store.memory.similar(identity('new', { signatures: [POOL, 'health check failed'] }), { channel: 'C1' }, 3);
    expect(matches[0]?.analysisId).toBe('past-1');
    const reasons = matches[0]!.reasons;
    expect(reasons.map((r) => r.kind)).toEqual(['signature', 'signature', 'service', 'suspect_kind']);
    expect(reasons[0]!.value).toBe(POOL);
    expect(reasons[0]!.weight).toBeGreaterThan(reasons[1]!.weight);
    expect(describeReason(reasons[0]!)).toContain('same error signature `HikariPool-<n> - Connection is not available');
    expect(matches.length).toBeLessThanOrEqual(3);

    const unrelated = await store.memory.similar(
      identity('new2', { services: ['billing'], suspectKind: 'dependency', signatures: ['TLS handshake failed'] }),
      { channel: 'C1' },
      3,
    );
    expect(unrelated).toEqual([]);
  });

  it('one shared service alone is below the threshold; scope limits matches to the channel', async () => {
    store = (await backends.open(backend)).store;
    await store.memory.remember(identity('past-1', { signatures: ['disk full on <path>'], suspectKind: 'capacity' }));
    const serviceOnly = await store.memory.similar(identity('q', { signatures: ['other error'], suspectKind: 'config' }), {}, 3);
    expect(serviceOnly).toEqual([]);
    expect(MIN_SIMILARITY).toBeGreaterThan(0.6);
    const elsewhere = await store.memory.similar(identity('q', { signatures: ['disk full on <path>'] }), { channel: 'C2' }, 3);
    expect(elsewhere).toEqual([]);
    const here = await store.memory.similar(identity('q', { signatures: ['disk full on <path>'] }), { channel: 'C1' }, 3);
    expect(here.map((m) => m.analysisId)).toEqual(['past-1']);
  });

  it('a shared service plus a common metric is not similarity; a shared signature or the same suspect is', async () => {
    store = (await backends.open(backend)).store;
    const errorRate = 'http_server_errors_rate';
    await store.memory.remember(identity('past-1', { signatures: ['disk full on <path>'], metrics: [errorRate] }));
    // Same service, same kind, same error-rate metric: 0.6 + 0.3 + 0.4 would clear the threshold by weight alone.
    const coincidence = await store.memory.similar(identity('q1', { signatures: ['other error'], metrics: [errorRate] }), {}, 3);
    expect(coincidence).toEqual([]);
    const sameSuspect = await store.memory.similar(
      identity('q2', { signatures: ['other error'], metrics: [errorRate], suspectId: 'REL-past-1' }),
      {},
      3,
    );
    expect(sameSuspect.map((m) => m.analysisId)).toEqual(['past-1']);
    expect(sameSuspect[0]?.reasons.map((r) => r.kind)).toEqual(['suspect', 'service', 'metric', 'suspect_kind']);
    expect(describeReason(sameSuspect[0]!.reasons[0]!)).toBe('same suspect REL-past-1');
    const sameSignature = await store.memory.similar(identity('q3', { signatures: ['disk full on <path>'] }), {}, 3);
    expect(sameSignature.map((m) => m.analysisId)).toEqual(['past-1']);
  });

  it('the culprit a responder confirmed counts as the same suspect', async () => {
    store = (await backends.open(backend)).store;
    await store.memory.remember(identity('past-1', { signatures: ['disk full on <path>'] }));
    await store.memory.confirm('past-1', { cause: 'retention lowered', culprit: 'cfg-77', by: 'U1' });
    const query = identity('q', { signatures: ['other error'], suspectId: 'cfg-77' });
    expect((await store.memory.similar(query, {}, 3)).map((m) => m.analysisId)).toEqual(['past-1']);
  });

  it('public channels’ incidents are matched from every channel; a private or unknown channel’s only inside it', async () => {
    store = (await backends.open(backend)).store;
    const shared = { signatures: ['disk full on <path>'] };
    await store.memory.remember(identity('public', { ...shared, channel: 'CPUB', channelPrivate: false }));
    await store.memory.remember(identity('private', { ...shared, channel: 'GPRIV', channelPrivate: true }));
    await store.memory.remember(identity('unknown', { ...shared, channel: 'CUNK' }));
    const from = async (channel: string, withPublic: boolean) =>
      (await store!.memory.similar(identity('q', { ...shared, channel }), { channel, withPublic }, 5)).map((m) => m.analysisId).sort();
    expect(await from('CNEW', true)).toEqual(['public']);
    expect(await from('GPRIV', true)).toEqual(['private', 'public']);
    expect(await from('CUNK', true)).toEqual(['public', 'unknown']);
    // Without withPublic the scope is the channel alone, as before.
    expect(await from('CNEW', false)).toEqual([]);
    expect((await store.memory.get('public'))?.channelPrivate).toBe(false);
    expect((await store.memory.get('private'))?.channelPrivate).toBe(true);
    expect((await store.memory.get('unknown'))?.channelPrivate).toBeUndefined();
  });

  it('recall before analysis matches words and alert services, never injecting FTS syntax from the text', async () => {
    store = (await backends.open(backend)).store;
    await store.memory.remember(identity('past-1'));
    const hits = await store.memory.recall('checkout "failing" OR NEAR( * -', [], {}, 3);
    expect(hits.map((h) => h.analysisId)).toEqual(['past-1']);
    expect(await store.memory.recall('"" ** ()', [], {}, 3)).toEqual([]);
    expect((await store.memory.recall('nothing alike', ['checkout-api'], {}, 3))[0]?.reasons[0]?.kind).toBe('service');
  });

  it('history lists newest first with votes and confirmed cause, filtered by service and channel; stats count per engine', async () => {
    store = (await backends.open(backend)).store;
    await store.memory.remember(identity('a', { at: 1000, suspectId: 'v1' }));
    await store.memory.remember(identity('b', { at: 2000, channel: 'C2', services: ['search'], engine: 'ollama:qwen3' }));
    await store.recordVote({ analysisId: 'a', user: 'U1', vote: 'down', cause: 'the pool', culprit: 'v1', at: new Date().toISOString() });
    await store.recordVote({ analysisId: 'a', user: 'U1', vote: 'up', at: new Date().toISOString() });
    await store.recordVote({ analysisId: 'a', user: 'U2', vote: 'down', cause: 'cache', at: new Date().toISOString() });
    expect(await store.memory.confirm('a', { cause: 'pool size lowered in v1', culprit: 'v1', by: 'U9' })).toBe(true);
    expect(await store.memory.confirm('missing', { cause: 'x', by: 'U9' })).toBe(false);

    expect((await store.memory.history({}, undefined, 10)).map((h) => h.analysisId)).toEqual(['b', 'a']);
    expect((await store.memory.history({ channel: 'C1' }, undefined, 10)).map((h) => h.analysisId)).toEqual(['a']);
    expect((await store.memory.history({}, 'search', 10)).map((h) => h.analysisId)).toEqual(['b']);
    const a = await store.memory.get('a');
    expect(a?.votes).toEqual({ up: 1, down: 1 });
    expect(a?.confirmed).toEqual({ cause: 'pool size lowered in v1', culprit: 'v1', by: 'U9' });
    expect((await store.votes('a')).find((v) => v.user === 'U2')?.cause).toBe('cache');

    const stats = await store.memory.stats(0);
    expect(stats).toEqual(
      expect.arrayContaining([
        { engine: 'builtin', analyses: 1, up: 1, down: 1, confirmed: 1, confirmedCorrect: 1 },
        { engine: 'ollama:qwen3', analyses: 1, up: 0, down: 0, confirmed: 0, confirmedCorrect: 0 },
      ]),
    );
    expect(await store.memory.stats(5000)).toEqual([]);
  });

  it('recordings are stored compressed and bounded, and pruned with the rest', async () => {
    store = (await backends.open(backend)).store;
    const big = 'x'.repeat(100_000);
    await store.memory.saveRecording('a', {
      since: '2h',
      calls: [{ server: 'logs', tool: 'read_logs', args: { service: 's' }, ok: true, text: big }],
    });
    const back = await store.memory.recording('a');
    expect(back?.calls[0]?.text.length).toBeLessThan(40_000);
    expect(back?.calls[0]?.args).toEqual({ service: 's' });
    expect(back?.since).toBe('2h');
    await store.memory.remember(identity('a', { at: 1 }));
    await store.prune(Date.now() + 1000);
    expect(await store.memory.recording('a')).toBeUndefined();
    expect(await store.memory.get('a')).toBeUndefined();
    expect(await store.memory.similar(identity('q'), {}, 3)).toEqual([]);
  });
});
