import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { REDACTION_ENV_SHAPE } from './redaction/config.js';
import { assertSafeModelTransport } from './runtime/egress.js';

/**
 * The engine side's configuration: one zod schema over the environment, parsed once at start.
 * The Slack bot extends `EngineEnvSchema` with its own variables so both are checked in one place.
 */

export const ENGINE_CHOICES = ['auto', 'ollama', 'builtin'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** OLLAMA_THINK values; docs/engine.md says which models honour which. */
export const THINK_CHOICES = ['off', 'on', 'answer', 'low', 'medium', 'high'] as const;
export type ThinkChoice = (typeof THINK_CHOICES)[number];

/** A tool-capable model small enough for a laptop GPU; docs/engine.md explains the choice. */
export const DEFAULT_OLLAMA_MODEL = 'qwen3:8b';
export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
export const DEFAULT_MCP_CONFIG = 'mcp-servers.json';

/** Empty strings in .env files mean "not set", as most tools treat them. */
const optionalText = z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), z.string().optional());

function positiveInt(defaultValue: number, min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce
      .number({ error: `expected a whole number between ${min} and ${max}` })
      .int({ error: `expected a whole number between ${min} and ${max}` })
      .min(min, { error: `expected at least ${min}` })
      .max(max, { error: `expected at most ${max}` })
      .default(defaultValue),
  );
}

export const EngineEnvSchema = z.object({
  OLLAMA_HOST: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z
      .string()
      .default(DEFAULT_OLLAMA_HOST)
      .transform((value) => normalizeOllamaHost(value))
      .refine((value) => URL.canParse(value), { error: 'expected a URL such as http://127.0.0.1:11434 or https://ollama.com' }),
  ),
  OLLAMA_MODEL: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().default(DEFAULT_OLLAMA_MODEL),
  ),
  OLLAMA_API_KEY: optionalText,
  OLLAMA_NUM_CTX: positiveInt(32_768, 2_048, 1_048_576),
  ANALYSIS_ENGINE: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z.enum(ENGINE_CHOICES, { error: `expected one of ${ENGINE_CHOICES.join(', ')}` }).default('auto'),
  ),
  /** Local models on a CPU take minutes; a bound still has to exist so nothing hangs. */
  ANALYSIS_TIMEOUT_MS: positiveInt(300_000, 1_000, 3_600_000),
  TOOL_TIMEOUT_MS: positiveInt(30_000, 100, 600_000),
  MCP_CONFIG: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().default(DEFAULT_MCP_CONFIG),
  ),
  DATA_DIR: optionalText,
  /** Servers of mcp-servers.json to leave out, e.g. `metrics` for a team without Prometheus (comma list). */
  DISABLE_SERVERS: optionalText,
  /** Start the model from the built-in correlator's findings (an evidence pack); `false` lets the model start cold. */
  OLLAMA_EVIDENCE_PACK: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .default('true')
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  ),
  /**
   * Ollama's `think` flag. Off by default: reasoning before every tool choice costs minutes on a local GPU and buys
   * little; `answer` reasons only for the final report; `on` or a level (gpt-oss) for every turn.
   */
  OLLAMA_THINK: z.preprocess(
    (value) => {
      if (typeof value !== 'string') return value;
      const text = value.trim().toLowerCase();
      return text === '' ? undefined : text === 'true' ? 'on' : text === 'false' ? 'off' : text;
    },
    z.enum(THINK_CHOICES, { error: `expected one of ${THINK_CHOICES.join(', ')} (true/false also work)` }).default('off'),
  ),
  /** REDACT_EMAILS, REDACT_IPS, REDACT_EXTRA_PATTERNS: docs/security.md. */
  ...REDACTION_ENV_SHAPE,
});

export type EngineConfig = z.infer<typeof EngineEnvSchema>;

export { ConfigError };

/** `localhost:11434` and `:11434` are accepted the way the ollama CLI accepts them. */
function normalizeOllamaHost(raw: string): string {
  let host = raw.trim();
  if (host.startsWith(':')) host = `127.0.0.1${host}`;
  if (!host.includes('://')) host = `http://${host}`;
  return host.replace(/\/+$/, '');
}

/** Turns a zod failure over the environment into one message that names each variable and what it expects. */
export function formatEnvIssues(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    return `${variable}: ${issue.message}`;
  });
  return `invalid configuration:\n  ${lines.join('\n  ')}`;
}

export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatEnvIssues(parsed.error));
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const config = parseEnv(EngineEnvSchema, env);
  assertSafeModelTransport(config);
  return config;
}
