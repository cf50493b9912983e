import { describe, expect, it } from 'vitest';
import { describeMissing, downServers, failedSources, markIncomplete, mergeMissing } from '../../src/report/completeness.js';
import type { Report } from '../../src/report/schema.js';

const quiet: Report = {
  incident: 'checkout 500s',
  window: { start: '2026-12-07T20:00:00.000Z', end: '2026-12-07T22:00:00.000Z' },
  summary: 'No anomaly found: all 3 services stayed within baseline from 20:00 to 22:00 UTC; nothing abnormal to explain',
  rootCause: 'Nothing abnormal: no anomaly found in the data.',
  confidence: 'medium',
  suspect: { kind: 'unknown' },
  timeline: [],
  evidence: [],
  recommendations: [],
  engine: 'builtin',
  toolCalls: [],
  durationMs: 5,
};

describe('failedSources', () => {
  it('names a server only when every one of its calls failed, with the first failure as the reason', () => {
    const calls = [
      { server: 'logs', ok: false, text: 'LOGS_PATH entry "/var/log/ap" does not exist\nhint: give an existing folder' },
      { server: 'logs', ok: false, text: 'second failure' },
      { server: 'git', ok: false, text: 'timed out' },
      { server: 'git', ok: true, text: 'ok' },
      { server: 'unknown', ok: false, text: 'unknown tool "x"' },
    ];
    expect(failedSources(calls)).toEqual([{ source: 'logs', reason: 'LOGS_PATH entry "/var/log/ap" does not exist' }]);
  });

  it('keeps a reason to one bounded line and never empty', () => {
    const [item] = failedSources([{ server: 'logs', ok: false, text: `\n${'x'.repeat(500)}` }]);
    expect(item?.reason.length).toBe(200);
    expect(failedSources([{ server: 'logs', ok: false, text: '' }])[0]?.reason).toBe('no answer');
  });
});

describe('downServers', () => {
  it('lists every server not ready, with its error or its state', () => {
    expect(
      downServers([
        { name: 'logs', state: 'failed', error: 'LOG_FORMATS: invalid JSON' },
        { name: 'git', state: 'ready' },
        { name: 'metrics', state: 'restarting' },
      ]),
    ).toEqual([
      { source: 'logs', reason: 'LOG_FORMATS: invalid JSON' },
      { source: 'metrics', reason: 'server restarting' },
    ]);
  });
});

describe('markIncomplete', () => {
  it('turns a report naming no cause into the incomplete verdict at low confidence, never an all-clear', () => {
    const marked = markIncomplete(quiet, [{ source: 'logs', reason: 'did not start' }]);
    expect(marked.summary).toBe('incomplete: logs unavailable (did not start); no cause found in the sources that answered');
    expect(marked.summary).not.toMatch(/no anomaly|nothing abnormal/i);
    expect(marked.confidence).toBe('low');
    expect(marked.incomplete).toEqual([{ source: 'logs', reason: 'did not start' }]);
    expect(marked.rootCause).toMatch(/^The analysis is incomplete: logs unavailable \(did not start\)\. No all-clear/);
  });

  it('treats a report with no suspect at all like one whose suspect is unknown', () => {
    const { suspect: _none, ...bare } = quiet;
    expect(markIncomplete(bare, [{ source: 'git', reason: 'x' }]).confidence).toBe('low');
  });

  it('keeps a named cause and its confidence, and says what it was analysed without', () => {
    const named: Report = { ...quiet, suspect: { kind: 'deployment', id: 'v2' }, confidence: 'high', summary: 'v2 broke it' };
    const marked = markIncomplete(named, [{ source: 'metrics', reason: 'timeout' }]);
    expect(marked).toMatchObject({ summary: 'v2 broke it', confidence: 'high', incomplete: [{ source: 'metrics', reason: 'timeout' }] });
    expect(marked.notes?.[0]).toBe('analysed without metrics unavailable (timeout)');
  });

  it('leaves a summary the engine already marked incomplete as it is', () => {
    const engineMarked = { ...quiet, summary: 'incomplete: logs unavailable (x); more', rootCause: 'own text', confidence: 'low' as const };
    expect(markIncomplete(engineMarked, [{ source: 'logs', reason: 'x' }])).toMatchObject({
      summary: engineMarked.summary,
      rootCause: 'own text',
    });
  });

  it('changes nothing when every source answered, and drops a stale incomplete list', () => {
    expect(markIncomplete(quiet, [])).toEqual(quiet);
    expect(markIncomplete({ ...quiet, incomplete: [{ source: 'a', reason: 'b' }] }, [])).toEqual(quiet);
  });
});

describe('mergeMissing / describeMissing', () => {
  it('keeps one entry per source, the first reason', () => {
    const merged = mergeMissing([{ source: 'logs', reason: 'down' }], undefined, [
      { source: 'logs', reason: 'later' },
      { source: 'git', reason: 'no repo' },
    ]);
    expect(describeMissing(merged)).toBe('logs unavailable (down); git unavailable (no repo)');
  });
});
