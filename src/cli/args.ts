import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../mcp-servers/shared/time.js';
import { ENGINE_CHOICES, type EngineChoice } from '../config.js';

export const USAGE = `usage: rca "<incident description>" [--data DIR] [--engine auto|ollama|builtin] [--model NAME] [--since 2h] [--json] [--config FILE] [--without SERVER] [--verbose]

  --data DIR      dataset folder for the default servers (sets DATA_DIR)
  --engine NAME   auto (Ollama when it answers and has the model, else built-in), ollama or builtin
  --model NAME    the Ollama model for this run (overrides OLLAMA_MODEL), e.g. qwen3:14b
  --since WHEN    how far back to look: 30m, 2h, 1d or an ISO-8601 time
  --json          print only the report as JSON on stdout (progress goes to stderr)
  --config FILE   MCP servers config (default: MCP_CONFIG or mcp-servers.json)
  --without NAME  leave a server of the config out, e.g. --without metrics when you have no Prometheus (repeatable,
                  or a comma list; DISABLE_SERVERS does the same from the environment)
  --verbose       also print the servers' stderr
Environment: OLLAMA_HOST, OLLAMA_MODEL, OLLAMA_API_KEY, OLLAMA_NUM_CTX, OLLAMA_THINK, ANALYSIS_ENGINE, ANALYSIS_TIMEOUT_MS, TOOL_TIMEOUT_MS, DISABLE_SERVERS, LOGS_PATH, GIT_REPO_PATH (.env is read)
Exit codes: 0 analysed, 3 analysed but incomplete (a source did not answer), 2 usage or configuration to fix, 1 failure`;

export class UsageError extends Error {}

export interface CliArgs {
  incident: string;
  data?: string;
  engine?: EngineChoice;
  model?: string;
  since?: string;
  json: boolean;
  config?: string;
  /** Servers to leave out (--without). */
  without: string[];
  verbose: boolean;
  help: boolean;
}

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return { incident: '', json: false, verbose: false, help: true, without: [] };
  const incident = positionals.join(' ').trim();
  if (incident === '') throw new UsageError('missing the incident description, e.g. rca "500 errors on checkout API"');
  const without = (values.without ?? []).flatMap((item) => item.split(',')).map((item) => item.trim());
  if (without.some((item) => item === '')) throw new UsageError('--without needs a server name, e.g. --without metrics');
  const args: CliArgs = { incident, json: values.json ?? false, verbose: values.verbose ?? false, help: false, without };
  if (values.engine !== undefined) {
    const engine = values.engine.trim().toLowerCase();
    if (!(ENGINE_CHOICES as readonly string[]).includes(engine)) {
      throw new UsageError(`--engine "${values.engine}" is not one of ${ENGINE_CHOICES.join(', ')}`);
    }
    args.engine = engine as EngineChoice;
  }
  if (values.model !== undefined) {
    const model = values.model.trim();
    // Ollama model names are name[:tag] with an optional namespace/ and host/ prefix; nothing else reaches the server.
    if (!/^[A-Za-z0-9][A-Za-z0-9._\-/:]{0,199}$/.test(model)) {
      throw new UsageError(`--model "${values.model}" is not a model name such as qwen3:8b or llama3.1:8b`);
    }
    args.model = model;
  }
  if (values.data !== undefined) {
    if (!existsSync(values.data) || !statSync(values.data).isDirectory()) throw new UsageError(`--data ${values.data}: no such folder`);
    args.data = values.data;
  }
  if (values.since !== undefined) {
    const since = values.since.trim();
    if (parseDuration(since) === undefined && Number.isNaN(Date.parse(since))) {
      throw new UsageError(`--since "${values.since}" is not a duration (30m, 2h, 1d) or an ISO-8601 time`);
    }
    args.since = since;
  }
  if (values.config !== undefined) args.config = values.config;
  return args;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      engine: { type: 'string' },
      model: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      without: { type: 'string', multiple: true },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
