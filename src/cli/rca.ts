#!/usr/bin/env node
import { config as loadDotenv } from 'dotenv';
import { ConfigError } from '../config.js';
import { HostConfigError } from '../host/config.js';
import { guardStdio } from '../process/stdio-guard.js';
import { describeMissing } from '../report/completeness.js';
import { renderReportText } from '../report/render.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { parseCliArgs, USAGE, UsageError } from './args.js';
import { formatAgentEvent, formatHostEvent } from './progress.js';
import { terminalSafeJson, writeSafe } from './terminal.js';

/**
 * Exit codes: 0 analysed, 3 analysed but incomplete (a configured source did not answer, so the report is no
 * all-clear), 1 the analysis failed, 2 usage or configuration to fix, 130 interrupted.
 */
const EXIT_OK = 0;
const EXIT_INCOMPLETE = 3;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;
/** After the work is done, a straggling handle must not keep the CLI alive. */
const EXIT_GRACE_MS = 3_000;

/**
 * `rca … | head`: once the reader has what it wanted, stdout is gone. The analysis stops and the CLI exits 0 without
 * a word (a broken pipe is how a pipeline ends, not an error); a closed stderr only silences the progress.
 */
const readerGone = new AbortController();
guardStdio({
  note: false,
  onClosed: (stream) => {
    if (stream === 'stdout') readerGone.abort();
  },
});

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      writeSafe(process.stderr, `rca: ${error.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  loadDotenv({ quiet: true });

  // With --json, stdout carries only the report; anything a library logs goes to stderr instead.
  const progress = args.json ? process.stderr : process.stdout;
  if (args.json) console.log = console.error;
  const print = (line: string | undefined) => {
    if (line !== undefined) writeSafe(progress, `${line}\n`);
  };

  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    process.stderr.write('rca: interrupted, stopping (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);

  let runtime: Runtime | undefined;
  try {
    print(`▸ starting MCP servers`);
    runtime = await createRuntime({
      ...(args.config ? { configPath: args.config } : {}),
      ...(args.data ? { dataDir: args.data } : {}),
      ...(args.without.length > 0 ? { without: args.without } : {}),
      ...(args.model ? { env: { ...process.env, OLLAMA_MODEL: args.model } } : {}),
      onHostEvent: (event) => print(formatHostEvent(event, args.verbose)),
    });
    print(`▸ ${runtime.egress}`);
    if (runtime.sampleData) print(`▸ sample data: every server reads the bundled dataset ${runtime.sampleData}, not your systems`);
    if (runtime.host.listTools().length === 0) {
      process.stderr.write('rca: no MCP server started, so there are no tools to analyse with; see the errors above\n');
      return EXIT_FAILURE;
    }
    const report = await runtime.analyze({
      incident: args.incident,
      ...(args.since ? { since: args.since } : {}),
      ...(args.engine ? { engine: args.engine } : {}),
      signal: AbortSignal.any([controller.signal, readerGone.signal]),
      onEvent: (event) => print(formatAgentEvent(event)),
    });
    // The reader went away: nobody is left to read the report or the verdict, and a closed pipe is no failure.
    if (readerGone.signal.aborted) return EXIT_OK;
    if (args.json) process.stdout.write(`${terminalSafeJson(report)}\n`);
    else writeSafe(process.stdout, `\n${renderReportText(report)}\n`);
    if (report.incomplete?.length) {
      process.stderr.write(`rca: incomplete: ${describeMissing(report.incomplete)}\n`);
      return EXIT_INCOMPLETE;
    }
    return EXIT_OK;
  } catch (error) {
    if (interrupted) return EXIT_INTERRUPTED;
    if (readerGone.signal.aborted) return EXIT_OK;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ConfigError || error instanceof HostConfigError) {
      writeSafe(process.stderr, `rca: ${message}\n`);
      return EXIT_USAGE;
    }
    writeSafe(process.stderr, `rca: analysis failed: ${message}\n`);
    return EXIT_FAILURE;
  } finally {
    process.off('SIGINT', onSigint);
    await runtime?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  },
  (error: unknown) => {
    writeSafe(process.stderr, `rca: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT_FAILURE);
  },
);
