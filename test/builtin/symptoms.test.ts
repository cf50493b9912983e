import { describe, expect, test } from 'vitest';
import type { ErrorSignature } from '../../mcp-servers/logs/schemas.js';
import { scoreSymptoms, traceOf } from '../../src/engines/builtin/symptoms.js';

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

describe('the trace of a full entry', () => {
  test('keeps the continuation lines, trimmed, at most 40 of at most 300 characters', () => {
    expect(traceOf('ERROR boom\n\tat a.B.c(B.java:1)\n\n  Caused by: X')).toBe('at a.B.c(B.java:1)\nCaused by: X');
    expect(traceOf('one line only')).toBeUndefined();
    const long = `head\n${Array.from({ length: 41 }, (_, i) => `at f${i}(${'x'.repeat(400)})`).join('\n')}`;
    const lines = traceOf(long)?.split('\n') ?? [];
    expect(lines).toHaveLength(40);
    expect(lines[39]).toMatch(/^at f39\(/);
    expect(Math.max(...lines.map((line) => line.length))).toBe(300);
  });
});
