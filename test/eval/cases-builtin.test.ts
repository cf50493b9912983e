import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { listCaseDirs, loadCase } from '../../src/eval/cases.js';
import { builtinProvider } from '../../src/eval/providers.js';
import { runCase } from '../../src/eval/runner.js';

/** Every case folder in test/evals/ becomes one test: the built-in engine must pass them all. */
const CASES_ROOT = path.resolve('test/evals');
const dirs = (() => {
  try {
    return listCaseDirs(CASES_ROOT);
  } catch {
    return [];
  }
})();

describe('builtin engine over the eval cases', () => {
  test('there are cases to run', () => {
    expect(dirs.length).toBeGreaterThan(0);
  });

  for (const dir of dirs) {
    test(path.basename(dir), async () => {
      const result = await runCase(loadCase(dir), builtinProvider);
      expect(result.error).toBeUndefined();
      expect(result.failures, result.report?.summary).toEqual([]);
      expect(result.verdict).toBe('pass');
      // Evidence about one service's error rate quotes that service's line, not the first service listed.
      for (const item of result.report?.evidence ?? []) {
        const service = /^(\S+) error rate \w+:/.exec(item.summary)?.[1];
        if (service && item.quote) expect(item.quote, item.summary).toContain(service);
      }
    });
  }
});
