import { describe, expect, test } from 'vitest';
import {
  type Candidate,
  describeReason,
  METRIC_WEIGHT,
  rarityWeight,
  SERVICE_WEIGHT,
  SUSPECT_KIND_WEIGHT,
  SUSPECT_WEIGHT,
  similarity,
  token,
} from '../../src/memory/score.js';

type Query = Parameters<typeof similarity>[0];

const query = (over: Partial<Query> = {}): Query => ({ services: [], signatures: [], metrics: [], ...over });
const candidate = (over: Partial<Candidate> = {}): Candidate => ({ services: [], signatures: [], metrics: [], ...over });
/** Every signature seen once among ten remembered incidents. */
const once = () => 1;

describe('rarity weight', () => {
  test('a signature nobody else has weighs most, one every incident has weighs exactly 1', () => {
    expect(rarityWeight(9, 0)).toBeCloseTo(1 + Math.log(10), 12);
    expect(rarityWeight(9, 9)).toBe(1);
    expect(rarityWeight(9, 4)).toBeCloseTo(1 + Math.log(2), 12);
    expect(rarityWeight(9, 4)).toBeLessThan(rarityWeight(9, 0));
  });
});

describe('token', () => {
  test('one token per prefix and value: letters and digits only, same value same token', () => {
    const t = token('s', 'connection refused');
    expect(t).toMatch(/^s[0-9a-f]{16}$/);
    expect(token('s', 'connection refused')).toBe(t);
    expect(token('v', 'connection refused')).toBe(`v${t.slice(1)}`);
    expect(token('s', 'connection reset')).not.toBe(t);
  });
});

describe('similarity', () => {
  test('a shared signature alone is a match, weighted by rarity', () => {
    const result = similarity(query({ signatures: ['db timeout', 'other'] }), candidate({ signatures: ['db timeout'] }), 9, once);
    expect(result.reasons).toEqual([{ kind: 'signature', value: 'db timeout', weight: rarityWeight(9, 1) }]);
    expect(result.score).toBe(Math.round(rarityWeight(9, 1) * 100) / 100);
  });

  test('df is asked for the shared signature, so a common one weighs less', () => {
    const asked: string[] = [];
    const common = similarity(query({ signatures: ['health'] }), candidate({ signatures: ['health'] }), 9, (s) => {
      asked.push(s);
      return 9;
    });
    expect(asked).toEqual(['health']);
    expect(common.score).toBe(1);
  });

  const weakOnly: [string, Partial<Query>, Partial<Candidate>][] = [
    ['service', { services: ['checkout'] }, { services: ['checkout'] }],
    ['suspect kind', { suspectKind: 'deployment' }, { suspectKind: 'deployment' }],
    ['metric', { metrics: ['http_errors'] }, { metrics: ['http_errors'] }],
  ];
  test.each(weakOnly)('a shared %s alone is coincidence: score 0, no reasons', (_name, q, c) => {
    expect(similarity(query(q), candidate(c), 9, once)).toEqual({ score: 0, reasons: [] });
  });

  test('no shared field at all scores 0', () => {
    const result = similarity(
      query({ services: ['a'], signatures: ['x'], metrics: ['m'], suspectId: 'd1', suspectKind: 'deployment' }),
      candidate({ services: ['b'], signatures: ['y'], metrics: ['n'], suspectId: 'd2', suspectKind: 'config' }),
      9,
      once,
    );
    expect(result).toEqual({ score: 0, reasons: [] });
  });

  test('the same suspect id is a defining tie, compared trimmed and case-insensitively', () => {
    const result = similarity(query({ suspectId: ' Deploy-42 ' }), candidate({ suspectId: 'deploy-42' }), 9, once);
    expect(result.reasons).toEqual([{ kind: 'suspect', value: ' Deploy-42 ', weight: SUSPECT_WEIGHT }]);
    expect(result.score).toBe(1);
  });

  test('the culprit a person confirmed counts as their suspect', () => {
    const result = similarity(query({ suspectId: 'abc123' }), candidate({ suspectId: 'other', culprit: 'ABC123' }), 9, once);
    expect(result.reasons).toEqual([{ kind: 'suspect', value: 'abc123', weight: SUSPECT_WEIGHT }]);
  });

  test('a missing suspect on either side never matches, even against an empty one', () => {
    expect(similarity(query({}), candidate({ suspectId: 'x' }), 9, once).score).toBe(0);
    expect(similarity(query({ suspectId: 'x' }), candidate({}), 9, once).score).toBe(0);
    expect(similarity(query({ suspectId: '' }), candidate({ suspectId: '' }), 9, once).score).toBe(0);
    expect(similarity(query({ suspectId: 'x' }), candidate({ suspectId: 'y', culprit: 'z' }), 9, once).score).toBe(0);
  });

  test('service, suspect kind and metric add to a defining match, each with its weight, heaviest first', () => {
    const result = similarity(
      query({ signatures: ['boom'], services: ['api', 'db'], suspectKind: 'deployment', metrics: ['p95', 'errors'] }),
      candidate({ signatures: ['boom'], services: ['db'], suspectKind: 'deployment', metrics: ['errors', 'cpu'] }),
      9,
      () => 9,
    );
    expect(result.reasons).toEqual([
      { kind: 'signature', value: 'boom', weight: 1 },
      { kind: 'service', value: 'db', weight: SERVICE_WEIGHT },
      { kind: 'metric', value: 'errors', weight: METRIC_WEIGHT },
      { kind: 'suspect_kind', value: 'deployment', weight: SUSPECT_KIND_WEIGHT },
    ]);
    expect(result.score).toBe(Math.round((1 + SERVICE_WEIGHT + METRIC_WEIGHT + SUSPECT_KIND_WEIGHT) * 100) / 100);
  });

  test('the score is rounded to two decimals', () => {
    // 1 + ln(10/2) = 2.6094… → 2.61
    const result = similarity(query({ signatures: ['s'] }), candidate({ signatures: ['s'] }), 9, () => 1);
    expect(result.score).toBe(2.61);
  });

  test('an "unknown" suspect kind is no shared kind, nor is a kind only one side has', () => {
    const base = { signatures: ['s'] };
    const unknown = similarity(query({ ...base, suspectKind: 'unknown' }), candidate({ ...base, suspectKind: 'unknown' }), 9, () => 9);
    expect(unknown.reasons.map((r) => r.kind)).toEqual(['signature']);
    const oneSided = similarity(query({ ...base }), candidate({ ...base, suspectKind: 'deployment' }), 9, () => 9);
    expect(oneSided.reasons.map((r) => r.kind)).toEqual(['signature']);
    const differ = similarity(query({ ...base, suspectKind: 'config' }), candidate({ ...base, suspectKind: 'deployment' }), 9, () => 9);
    expect(differ.reasons.map((r) => r.kind)).toEqual(['signature']);
  });
});

describe('describeReason', () => {
  test('each kind reads as a sentence', () => {
    expect(describeReason({ kind: 'signature', value: 'db timeout', weight: 1 })).toBe('same error signature `db timeout`');
    expect(describeReason({ kind: 'service', value: 'checkout', weight: 1 })).toBe('same service checkout');
    expect(describeReason({ kind: 'suspect', value: 'deploy-42', weight: 1 })).toBe('same suspect deploy-42');
    expect(describeReason({ kind: 'suspect_kind', value: 'deployment', weight: 1 })).toBe('same suspect kind (deployment)');
    expect(describeReason({ kind: 'metric', value: 'p95', weight: 1 })).toBe('same anomalous metric p95');
    expect(describeReason({ kind: 'words', value: 'timeout, pool', weight: 1 })).toBe('similar wording (timeout, pool)');
  });

  test('a signature of 90 characters is shown whole; 91 is cut to 89 and an ellipsis', () => {
    const ninety = 'x'.repeat(90);
    expect(describeReason({ kind: 'signature', value: ninety, weight: 1 })).toBe(`same error signature \`${ninety}\``);
    const long = `${'y'.repeat(89)}zz`;
    expect(describeReason({ kind: 'signature', value: long, weight: 1 })).toBe(`same error signature \`${'y'.repeat(89)}…\``);
  });
});
