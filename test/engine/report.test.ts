import { describe, expect, it } from 'vitest';
import { ToolSession } from '../../src/agent/tool-session.js';
import type { ToolHost, ToolOutcome } from '../../src/agent/types.js';
import { finalizeReport, normalizeForQuote, type ReportDraft, verifyEvidence } from '../../src/report/finalize.js';
import { modelReportJsonSchema, parseModelReport } from '../../src/report/model-schema.js';
import { renderReportText } from '../../src/report/render.js';
import { inferWindow } from '../../src/report/window.js';

/** A host whose tools return fixed text: enough to give a session real recorded outputs. */
function textHost(outputs: Record<string, string | ToolOutcome>): ToolHost {
  return {
    listTools: () =>
      Object.keys(outputs).map((name) => ({ name, server: 'srv', serverToolName: name, description: '', inputSchema: { type: 'object' } })),
    callTool: async (name) => {
      const output = outputs[name];
      return typeof output === 'string' ? { ok: true, text: output, ms: 1 } : (output ?? { ok: false, text: 'unknown', ms: 0 });
    },
  };
}

async function sessionWith(outputs: Record<string, string | ToolOutcome>, order: string[]) {
  const session = new ToolSession(textHost(outputs));
  for (const name of order) await session.call(name, {});
  return session;
}

function draft(overrides: Partial<ReportDraft> = {}): ReportDraft {
  return {
    incident: 'checkout 500s',
    window: { start: '2024-05-01T13:00:00.000Z', end: '2024-05-01T15:00:00.000Z' },
    summary: 'pool exhausted after deploy',
    rootCause: 'The deploy lowered the pool size.',
    confidence: 'high',
    timeline: [],
    evidence: [],
    recommendations: ['roll back'],
    engine: 'test',
    durationMs: 5,
    ...overrides,
  };
}

describe('quote verification', () => {
  const logs =
    '2024-05-01T14:05:00Z ERROR checkout-api  connection pool exhausted (max=5)\n2024-05-01T14:06:00Z ERROR checkout-api timeout';

  it('keeps a verbatim quote, also across whitespace differences, and drops an invented one', async () => {
    const session = await sessionWith({ search_logs: logs, get_deployments: 'v2.4.1 deployed 14:02 by ci' }, [
      'search_logs',
      'get_deployments',
    ]);
    const check = verifyEvidence(
      [
        { id: 'E1', source: 'logs', tool: 'T1', summary: 'pool', quote: 'ERROR checkout-api connection pool exhausted (max=5)' },
        { id: 'E2', source: 'logs', tool: 'T1', summary: 'invented', quote: 'database connection refused' },
        { id: 'E3', source: 'git', tool: 'T2', summary: 'paraphrase', quote: 'v2.4.1 was deployed at 14:02' },
      ],
      session.all(),
    );
    expect(check.evidence.map((item) => item.quote)).toEqual([
      'ERROR checkout-api connection pool exhausted (max=5)',
      undefined,
      undefined,
    ]);
    expect(check.droppedQuotes).toBe(2);
    expect(check.droppedItems).toBe(0);
  });

  it('checks a quote against the call it cites, not any call', async () => {
    const session = await sessionWith({ search_logs: logs, get_deployments: 'v2.4.1 deployed' }, ['search_logs', 'get_deployments']);
    const check = verifyEvidence(
      [{ id: 'E1', source: 'git', tool: 'T2', summary: 's', quote: 'connection pool exhausted' }],
      session.all(),
    );
    expect(check.evidence[0]?.quote).toBeUndefined();
    expect(check.droppedQuotes).toBe(1);
  });

  it('accepts a tool name when exactly one call used it, and rewrites it to the call id', async () => {
    const session = await sessionWith({ search_logs: logs, list_metrics: 'a\nb' }, ['search_logs', 'list_metrics', 'list_metrics']);
    const check = verifyEvidence(
      [
        { id: 'E1', source: 'logs', tool: 'search_logs', summary: 's', quote: 'pool exhausted' },
        { id: 'E2', source: 'metrics', tool: 'list_metrics', summary: 'ambiguous' },
        { id: 'E3', source: 'logs', tool: 't1', summary: 'case-insensitive id' },
      ],
      session.all(),
    );
    expect(check.evidence.map((item) => [item.id, item.tool, item.quote])).toEqual([
      ['E1', 'T1', 'pool exhausted'],
      ['E3', 'T1', undefined],
    ]);
    expect(check.droppedItems).toBe(1);
  });

  it('finalizeReport drops unsupported evidence, prunes timeline references and counts it all in notes', async () => {
    const session = await sessionWith({ search_logs: logs }, ['search_logs']);
    const report = finalizeReport(
      draft({
        evidence: [
          { id: 'E1', source: 'logs', tool: 'T1', summary: 'real', quote: 'connection   pool\nexhausted' },
          { id: 'E2', source: 'logs', tool: 'T1', summary: 'invented quote', quote: 'OOMKilled' },
          { id: 'E3', source: 'logs', tool: 'T9', summary: 'no such call', quote: 'x' },
        ],
        timeline: [
          { at: '2024-05-01T14:05:00Z', source: 'logs', event: 'errors start', evidence: ['E1', 'E3'] },
          { at: '2024-05-01T14:06:00Z', source: 'logs', event: 'timeouts', evidence: ['E7'] },
        ],
        notes: ['engine note'],
      }),
      session,
    );
    expect(report.evidence.map((item) => item.id)).toEqual(['E1', 'E2']);
    expect(report.evidence[0]?.quote).toBe('connection   pool\nexhausted');
    expect(report.evidence[1]?.quote).toBeUndefined();
    expect(report.timeline[0]?.evidence).toEqual(['E1']);
    expect(report.timeline[1]?.evidence).toBeUndefined();
    expect(report.toolCalls).toEqual([{ id: 'T1', server: 'srv', tool: 'search_logs', args: {}, ms: 1, ok: true }]);
    expect(report.notes).toEqual([
      'engine note',
      '2 quotes dropped: not found verbatim in the cited tool output',
      '1 evidence item dropped: cited a tool call that was never made',
      '2 timeline references to missing evidence removed',
    ]);
  });

  it('takes toolCalls from the session, never from the draft', async () => {
    const session = await sessionWith({ a: 'x' }, ['a']);
    const report = finalizeReport(draft({ toolCalls: [{ id: 'T5', server: 's', tool: 'fake', args: {}, ms: 1, ok: true }] }), session);
    expect(report.toolCalls.map((call) => call.id)).toEqual(['T1']);
    expect(report.notes).toBeUndefined();
  });

  it('normalises whitespace only', () => {
    expect(normalizeForQuote('  a \n\t b  ')).toBe('a b');
    expect(normalizeForQuote('A-B')).not.toBe(normalizeForQuote('a b'));
  });
});

describe('model answer parsing', () => {
  const valid = {
    summary: 's',
    rootCause: 'r',
    confidence: 'High',
    timeline: [],
    evidence: [{ id: 'E1', source: 'logs', tool: 'T1', summary: 'x' }],
    recommendations: ['a'],
  };

  it('accepts JSON in fences or after reasoning, and normalises case', () => {
    const parsed = parseModelReport(`<think>hmm</think>\n\`\`\`json\n${JSON.stringify(valid)}\n\`\`\``);
    expect(parsed.ok && parsed.report.confidence).toBe('high');
  });

  it('explains what is wrong, by path', () => {
    const parsed = parseModelReport(JSON.stringify({ ...valid, confidence: 'certain', recommendations: 'roll back' }));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/confidence: .*recommendations: /);
    const broken = parseModelReport('{"summary": "s",');
    expect(!broken.ok && broken.error).toMatch(/not valid JSON/);
  });

  it('sends a JSON schema without $schema that requires the core fields', () => {
    const schema = modelReportJsonSchema();
    expect(schema.$schema).toBeUndefined();
    expect(schema.required).toEqual(
      expect.arrayContaining(['summary', 'rootCause', 'confidence', 'timeline', 'evidence', 'recommendations']),
    );
    expect(Object.keys(schema.properties as object)).not.toContain('toolCalls');
  });
});

describe('window and rendering', () => {
  it('ends the window at the servers reported now and covers the timeline', async () => {
    const session = new ToolSession({
      listTools: () => [{ name: 'x', server: 's', serverToolName: 'x', description: '', inputSchema: {} }],
      callTool: async () => ({ ok: true, text: 'x', structured: { now: '2024-05-01T15:00:00Z' }, ms: 1 }),
    });
    await session.call('x', {});
    const window = inferWindow({
      since: '1h',
      timeline: [{ at: '2024-05-01T13:30:00Z', source: 'git', event: 'deploy' }],
      calls: session.all(),
    });
    expect(window).toEqual({ start: '2024-05-01T13:30:00.000Z', end: '2024-05-01T15:00:00.000Z' });
  });

  it('renders the four sections with evidence quotes', async () => {
    const session = await sessionWith({ search_logs: 'ERROR pool exhausted' }, ['search_logs']);
    const report = finalizeReport(
      draft({
        timeline: [{ at: '2024-05-01T14:05:00Z', source: 'logs', event: 'errors start', evidence: ['E1'] }],
        evidence: [{ id: 'E1', source: 'logs', tool: 'T1', summary: 'pool errors', quote: 'pool exhausted' }],
        suspect: { kind: 'deployment', id: 'v2.4.1', service: 'checkout-api' },
      }),
      session,
    );
    const text = renderReportText(report);
    for (const heading of ['Timeline', 'Root Cause', 'Evidence', 'Recommendations']) expect(text).toContain(`\n${heading}\n`);
    expect(text).toContain('suspect: deployment v2.4.1 (checkout-api)');
    expect(text).toContain('E1 (T1, logs) pool errors');
    expect(text).toContain('“pool exhausted”');
    expect(text).toContain('1. roll back');
  });
});

describe('docs/engine.md', () => {
  it('shows a report example that matches ReportSchema', async () => {
    const { readFileSync } = await import('node:fs');
    const { ReportSchema } = await import('../../src/report/schema.js');
    const doc = readFileSync(new URL('../../docs/engine.md', import.meta.url), 'utf8');
    const example = /Example \(`--json`\):\n\n```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const parsed = ReportSchema.safeParse(JSON.parse(example ?? ''));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});
