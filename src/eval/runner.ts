import { type CustomFormatSpec, setCustomFormats } from '../../mcp-servers/logs/parser/custom.js';
import type { Engine, Report } from '../agent/types.js';
import type { EvalCase } from './cases.js';
import { type CheckFailure, scoreReport } from './score.js';

/** A mistake in how the eval was invoked or configured: it stops the run (exit 2) rather than failing one case. */
export class UsageError extends Error {}

/** An engine bound to one case's dataset, and how to release what it holds. */
export interface BoundEngine {
  engine: Engine;
  close(): Promise<void>;
}

/**
 * Builds an engine over a dataset folder (and its runbooks folder), or over a replay case's recording; the CLI picks
 * builtin, ollama or auto.
 */
export type EngineProvider = (dataDir: string, replayFile?: string, runbooksDir?: string) => Promise<BoundEngine>;

export interface CaseResult {
  name: string;
  title: string;
  verdict: 'pass' | 'fail' | 'error';
  failures: CheckFailure[];
  error?: string;
  ms: number;
  toolCalls: number;
  engine?: string;
  report?: Report;
}

/** Runs one case and scores it; an engine that throws is a failed case ('error'), never a crashed suite. */
export async function runCase(evalCase: EvalCase, provide: EngineProvider): Promise<CaseResult> {
  const started = performance.now();
  const base = { name: evalCase.name, title: evalCase.title };
  let bound: BoundEngine | undefined;
  const restoreFormats = useLogFormats(evalCase.logFormats ?? []);
  const restoreRunbooks = useRunbooks(evalCase.runbooksDir);
  try {
    bound = await provide(evalCase.dataDir, evalCase.replayFile, evalCase.runbooksDir);
    const report = await bound.engine.analyze({
      incident: evalCase.incident,
      ...(evalCase.since ? { since: evalCase.since } : {}),
      ...(evalCase.context ? { context: evalCase.context } : {}),
      ...(evalCase.scope ? { scope: evalCase.scope } : {}),
      ...(evalCase.alerts ? { alerts: evalCase.alerts } : {}),
    });
    const score = scoreReport(report, evalCase.expect);
    // An exported case without its expected answer must not pass: a person has to write it first.
    if (evalCase.todo !== undefined) score.failures.unshift({ check: 'todo', detail: evalCase.todo });
    return {
      ...base,
      verdict: score.failures.length === 0 ? 'pass' : 'fail',
      failures: score.failures,
      ms: Math.round(performance.now() - started),
      toolCalls: report.toolCalls.length,
      engine: report.engine,
      report,
    };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return {
      ...base,
      verdict: 'error',
      failures: [],
      error: error instanceof Error ? error.message : String(error),
      ms: Math.round(performance.now() - started),
      toolCalls: 0,
    };
  } finally {
    await bound?.close().catch(() => undefined);
    restoreFormats();
    restoreRunbooks();
  }
}

/** Cases run one after another: engines share one device and deterministic order keeps output stable. */
export async function runCases(
  cases: readonly EvalCase[],
  provide: EngineProvider,
  onResult?: (result: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const evalCase of cases) {
    const result = await runCase(evalCase, provide);
    onResult?.(result);
    results.push(result);
  }
  return results;
}

/**
 * A case's log formats for the length of the case: registered for the in-process logs server, and set as LOG_FORMATS
 * for logs servers a runtime starts as child processes. Cases run one after another, so this never leaks into the
 * next case; what was there before is put back.
 */
function useLogFormats(specs: readonly CustomFormatSpec[]): () => void {
  if (specs.length === 0) return () => {};
  const before = process.env.LOG_FORMATS;
  setCustomFormats(specs);
  process.env.LOG_FORMATS = JSON.stringify(specs);
  return () => {
    if (before === undefined) delete process.env.LOG_FORMATS;
    else process.env.LOG_FORMATS = before;
    setCustomFormats([]);
  };
}

/** Where the eval's runbooks say they are published: alerts' runbook_url in cases point here. */
export const EVAL_RUNBOOKS_BASE_URL = 'https://runbooks.example.com/';

/**
 * The case's runbooks for servers a runtime starts as child processes (RUNBOOKS_PATH, RUNBOOKS_BASE_URL), for the
 * length of the case; what was there before is put back.
 */
function useRunbooks(dir: string | undefined): () => void {
  if (dir === undefined) return () => {};
  const before = { path: process.env.RUNBOOKS_PATH, base: process.env.RUNBOOKS_BASE_URL };
  process.env.RUNBOOKS_PATH = dir;
  process.env.RUNBOOKS_BASE_URL = EVAL_RUNBOOKS_BASE_URL;
  return () => {
    for (const [key, value] of [
      ['RUNBOOKS_PATH', before.path],
      ['RUNBOOKS_BASE_URL', before.base],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
