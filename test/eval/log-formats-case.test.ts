import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCustomFormats } from '../../mcp-servers/logs/parser/custom.js';
import { CaseError, loadCase } from '../../src/eval/cases.js';
import { builtinProvider } from '../../src/eval/providers.js';
import { runCase } from '../../src/eval/runner.js';

/** An eval case can carry LOG_FORMATS: case 43's planner logs in a layout only its custom format reads. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const CASE = path.join(ROOT, 'test/evals/43-team-log-format');

describe('eval cases with custom log formats', () => {
  it('reads the case’s logFormats, and the error text they unlock is what the report quotes', { timeout: 60_000 }, async () => {
    const withFormats = loadCase(CASE, ROOT);
    expect(withFormats.logFormats?.[0]?.name).toBe('dispatch-team');
    const read = await runCase(withFormats, builtinProvider);
    expect(read.verdict).toBe('pass');
    expect(read.report?.rootCause).toContain('lat_lng');
    // Registered only for the length of the case.
    expect(hasCustomFormats()).toBe(false);

    const { logFormats: _dropped, ...without } = withFormats;
    const unread = await runCase(without, builtinProvider);
    expect(unread.report?.rootCause).not.toContain('lat_lng');
    expect(unread.failures.map((f) => f.check)).toContain('rootCauseKeywords');
  });

  it('refuses a case whose format is not valid RE2, naming the field', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'ip-case-'));
    mkdirSync(path.join(dir, 'dataset'));
    writeFileSync(
      path.join(dir, 'case.yaml'),
      'title: t\nincident: i\ndataset: dataset\nlogFormats: [{name: bad, pattern: "(?P<message>(unclosed"}]\nexpect: {rootCauseKeywords: [x]}\n',
    );
    expect(() => loadCase(dir, ROOT)).toThrow(CaseError);
    expect(() => loadCase(dir, ROOT)).toThrow(/logFormats: format "bad": pattern is not valid RE2/);
  });
});
