#!/usr/bin/env node
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configureRedaction, parseRedactionEnv } from '../redaction/index.js';
import { SqliteStore } from '../store/sqlite.js';
import { CaseError, type EvalCase, listCaseDirs, loadCase } from './cases.js';
import { ExportError, exportCase } from './export.js';
import { ENGINE_CHOICES, type EngineChoice, providerFor } from './providers.js';
import { formatReliability, overconfident, reliability } from './reliability.js';
import { runCases, UsageError } from './runner.js';
import { formatTable } from './table.js';

const USAGE = `usage: npm run eval -- [--cases DIR] [--case NAME]... [--engine builtin|ollama|auto] [--json]
       npm run eval -- --export ANALYSIS_ID --out test/evals/NN-slug [--state FILE]

Runs every case folder under DIR (default test/evals), dataset and replay cases alike, scores each report against
its case.yaml and prints a table, then a reliability table (confidence x right/wrong). Exit status: 0 all passed,
1 a case failed or a wrong answer came with high confidence, 2 usage or case-file error.
--export writes a replay case from an analysis in the state store (--state, default STATE_PATH or
.state/incidentpilot.db): its incident, recorded tool calls and, when confirmed, the expected answer.`;

async function main(argv: string[]): Promise<number> {
  let options: {
    cases: string;
    case?: string[];
    engine: string;
    json: boolean;
    help: boolean;
    export?: string;
    out?: string;
    state?: string;
  };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        cases: { type: 'string', default: 'test/evals' },
        case: { type: 'string', multiple: true },
        engine: { type: 'string', default: 'builtin' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        export: { type: 'string' },
        out: { type: 'string' },
        state: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    options = values as typeof options;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.export !== undefined) return exportCommand(options.export, options.out, options.state);
  if (!(ENGINE_CHOICES as readonly string[]).includes(options.engine)) {
    console.error(`--engine must be one of ${ENGINE_CHOICES.join(', ')}, got "${options.engine}"\n\n${USAGE}`);
    return 2;
  }
  let cases: EvalCase[];
  try {
    const dirs = listCaseDirs(path.resolve(options.cases)).filter(
      (dir) => !options.case || options.case.some((name) => path.basename(dir).includes(name)),
    );
    if (dirs.length === 0) throw new CaseError(`no case folders (with case.yaml) matched under ${options.cases}`);
    cases = dirs.map((dir) => loadCase(dir));
  } catch (error) {
    if (error instanceof CaseError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  let results: Awaited<ReturnType<typeof runCases>>;
  try {
    const provider = await providerFor(options.engine as EngineChoice);
    results = await runCases(cases, provider, (result) => {
      if (!options.json) console.error(`${result.verdict === 'pass' ? 'ok  ' : 'FAIL'} ${result.name} (${result.ms} ms)`);
    });
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (options.json) {
    const slim = results.map(({ report, ...rest }) => ({
      ...rest,
      suspect: report?.suspect,
      confidence: report?.confidence,
      summary: report?.summary,
    }));
    const wrongAtHigh = overconfident(results).map((result) => result.name);
    console.log(JSON.stringify({ engine: options.engine, results: slim, reliability: reliability(results), wrongAtHigh }, null, 2));
  } else {
    console.log(`${formatTable(results)}\n\n${formatReliability(results)}`);
  }
  // A wrong answer said with high confidence fails the run even where the case's own checks did not ask about it.
  return results.every((result) => result.verdict === 'pass') && overconfident(results).length === 0 ? 0 : 1;
}

async function exportCommand(id: string, out: string | undefined, state: string | undefined): Promise<number> {
  if (!out) {
    console.error(`--export needs --out test/evals/NN-slug (the new case folder)\n\n${USAGE}`);
    return 2;
  }
  const file = state ?? (process.env.STATE_PATH?.trim() || '.state/incidentpilot.db');
  if (!existsSync(file)) {
    console.error(`state store ${file} does not exist: pass --state FILE or set STATE_PATH to the bot's database`);
    return 2;
  }
  try {
    // The exported files are committed: they get the operator's redaction settings, as the bot's own output does.
    configureRedaction(parseRedactionEnv(process.env));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  let store: SqliteStore;
  try {
    store = SqliteStore.open(file);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  try {
    const { caseFile, calls } = await exportCase(store, id, path.resolve(out));
    console.log(`wrote ${caseFile} (${calls} recorded tool calls); run it with npm run eval -- --case ${path.basename(out)}`);
    return 0;
  } catch (error) {
    if (error instanceof ExportError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('eval failed:', error);
    process.exitCode = 1;
  },
);
