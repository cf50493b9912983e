import { describe, expect, test } from 'vitest';
import type { ErrorSignature } from '../../mcp-servers/logs/schemas.js';
import { scoreSymptoms } from '../../src/engines/builtin/symptoms.js';

const HOUR = 3_600_000;

function sig(signature: string, count: number, level: ErrorSignature['level'] = 'error') {
  return {
    value: { signature, level, count, firstSeen: null, lastSeen: null, services: ['svc'], example: `ERROR ${signature}` },
    callId: 'T9',
  };
}

describe('symptom scoring', () => {
  test('a new signature outranks a louder one that was always there', () => {
    const before = [sig('cache miss storm', 500)];
    const after = [sig('cache miss storm', 100), sig('payment declined by issuer', 40)];
    const ranked = scoreSymptoms(before, after, 5 * HOUR, HOUR);
    expect(ranked.map((symptom) => symptom.signature)).toEqual(['payment declined by issuer']);
    expect(ranked[0]?.novel).toBe(true);
  });

  test('one stray line before the onset does not hide a sharp rise (smoothing)', () => {
    const ranked = scoreSymptoms([sig('queue full', 1)], [sig('queue full', 300)], 5 * HOUR, HOUR);
    expect(ranked[0]?.novel).toBe(false);
    expect(ranked[0]?.growth).toBeGreaterThan(100);
  });

  test('errors weigh more than warnings of the same shape', () => {
    const ranked = scoreSymptoms([], [sig('disk nearly full', 50, 'warn'), sig('write failed', 50, 'error')], HOUR, HOUR);
    expect(ranked[0]?.signature).toBe('write failed');
  });
});
