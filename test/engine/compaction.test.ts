import { describe, expect, it } from 'vitest';
import { Compactor, headAndTail } from '../../src/engines/ollama/compaction.js';
import { retryHintMs, translateOllamaError } from '../../src/engines/ollama/errors.js';
import { contextPressure, retryWaitMs } from '../../src/engines/ollama/pressure.js';
import type { ChatMessage } from '../../src/engines/ollama/provider.js';

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `line ${i + 1}: something happened`).join('\n');

describe('head and tail of an oversize result', () => {
  it('keeps whole lines from both ends, counts those left out and says how to narrow', () => {
    const text = numbered(500);
    const cut = headAndTail(text, 2_000);
    expect(cut.length).toBeLessThan(2_300);
    expect(cut.startsWith('line 1: something happened\nline 2:')).toBe(true);
    expect(cut.endsWith('line 500: something happened')).toBe(true);
    const marker = /\n… \[(\d+) of 500 lines left out here; narrow the query \(a shorter time window, one service/.exec(cut);
    expect(marker).not.toBeNull();
    const kept = cut.split('\n').length - 1;
    expect(Number(marker?.[1]) + kept).toBe(500);
  });

  it('leaves a result within budget alone, and cuts one enormous line by characters', () => {
    expect(headAndTail('short', 100)).toBe('short');
    const cut = headAndTail('x'.repeat(10_000), 1_000);
    expect(cut).toContain('characters of one long line left out');
    expect(cut.length).toBeLessThan(1_200);
  });
});

describe('compaction of old tool results', () => {
  it('summarises the oldest results first, keeps call ids and first lines, never the newest round', () => {
    const outputs: Record<string, string> = { T1: `first of T1\n${numbered(100)}`, T2: numbered(100), T3: numbered(100) };
    const compactor = new Compactor((id) => outputs[id]);
    const messages: ChatMessage[] = ['T1', 'T2', 'T3'].map((id) => ({
      role: 'tool',
      toolName: 'read_logs',
      content: `[${id}] read_logs ok\n${outputs[id]}`,
    }));
    compactor.track(messages[0] as ChatMessage, { id: 'T1', tool: 'read_logs', ok: true }, 1);
    compactor.track(messages[1] as ChatMessage, { id: 'T2', tool: 'read_logs', ok: true }, 2);
    compactor.track(messages[2] as ChatMessage, { id: 'T3', tool: 'read_logs', ok: true }, 3);
    expect(compactor.compact(100)).toEqual(['T1']);
    expect(messages[0]?.content).toBe(
      '[T1] read_logs ok — summarised to save context (101 lines; the full output is kept and T1 can still be cited). First line: first of T1',
    );
    expect(compactor.compact(1_000_000)).toEqual(['T2']);
    expect(messages[2]?.content).toBe(`[T3] read_logs ok\n${outputs.T3}`);
  });

  it('context pressure uses the server count plus what was added since, with the estimate as a floor', () => {
    expect(contextPressure(1_000, undefined, 8_192)).toBeUndefined();
    expect(contextPressure(1_000, { estimate: 900, server: 7_000 }, 8_192)).toEqual({
      projected: 7_100,
      charsToFree: (7_100 - 4_096) * 4,
    });
    expect(contextPressure(7_000, { estimate: 6_900, server: 10 }, 8_192)?.projected).toBe(7_000);
  });
});

describe('Ollama Cloud 429', () => {
  const context = { host: 'https://ollama.com', model: 'gpt-oss:120b' };

  it('reads the wait from Retry-After (seconds or a date) or from the message', () => {
    expect(retryHintMs('7', '')).toBe(7_000);
    expect(retryHintMs('Wed, 21 Oct 2015 07:28:10 GMT', '', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryHintMs(undefined, 'rate limit exceeded, please try again in 1.5s')).toBe(1_500);
    expect(retryHintMs(undefined, 'Your quota will reset after 2 minutes.')).toBe(120_000);
    expect(retryHintMs(undefined, 'you have reached your weekly usage limit, upgrade for higher limits')).toBeUndefined();
  });

  it('becomes a rate_limited error with the wait; a usage limit without a hint is not waited for', () => {
    const limited = Object.assign(new Error('too many requests'), { status_code: 429 });
    const error = translateOllamaError(limited, { ...context, retryAfter: '3' });
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000 });
    expect(error.message).toBe('Ollama at https://ollama.com is rate limiting requests (429, asked to wait 3 s): too many requests');
    expect(retryWaitMs(error, 60_000)).toBe(3_000);
    // Not when the wait would eat more than half the time left, nor when there is no hint.
    expect(retryWaitMs(error, 5_000)).toBeUndefined();
    const usage = translateOllamaError(
      Object.assign(new Error('you (me) have reached your session usage limit, upgrade for higher limits'), { status_code: 429 }),
      context,
    );
    expect(usage).toMatchObject({ kind: 'rate_limited', retryAfterMs: undefined });
    expect(retryWaitMs(usage, 60_000)).toBeUndefined();
  });
});
