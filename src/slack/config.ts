import { z } from 'zod';
import { EngineEnvSchema, parseEnv } from '../config.js';
import { assertSafeModelTransport } from '../runtime/egress.js';
import { flag, idList, PolicyEnvShape } from './policy/env.js';

/**
 * The Slack bot's configuration: the engine's env schema extended with the bot's own variables, parsed once at start.
 * Each error names the variable and where in Slack's app settings its value comes from.
 */

const WHERE = {
  botToken: 'api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token',
  appToken: 'api.slack.com/apps → your app → Basic Information → App-Level Tokens (scope connections:write)',
  signingSecret: 'api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret',
  channels: 'channel details in Slack → About → Channel ID',
} as const;

/** Empty strings in .env files mean "not set". */
function blankAsUnset(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;
}

function wholeNumber(defaultValue: number, min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.preprocess(
    blankAsUnset,
    z.coerce
      .number({ error: message })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, { error: message })
      .default(defaultValue),
  );
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `15m`, `90s`, `1h`, `500ms`, or plain milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!match?.[1]) return undefined;
  return Number(match[1]) * (DURATION_UNITS[match[2] ?? 'ms'] ?? 1);
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

export const SlackEnvSchema = EngineEnvSchema.extend({
  SLACK_BOT_TOKEN: z.preprocess(
    blankAsUnset,
    z
      .string({ error: `not set (${WHERE.botToken})` })
      .startsWith('xoxb-', { error: `expected a bot token starting with xoxb- (${WHERE.botToken})` }),
  ),
  SLACK_APP_TOKEN: z.preprocess(
    blankAsUnset,
    z
      .string()
      .startsWith('xapp-', { error: `expected an app-level token starting with xapp- (${WHERE.appToken})` })
      .optional(),
  ),
  SLACK_SIGNING_SECRET: z.preprocess(
    blankAsUnset,
    z
      .string()
      .min(8, { error: `too short to be a signing secret (${WHERE.signingSecret})` })
      .optional(),
  ),
  PORT: wholeNumber(3000, 0, 65_535),
  SLACK_API_URL: z.preprocess(
    blankAsUnset,
    z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL of a Slack-compatible Web API, e.g. https://slack.com/api/' })
      .transform((url) => (url.endsWith('/') ? url : `${url}/`))
      .optional(),
  ),
  ANALYSIS_CONCURRENCY: wholeNumber(2, 1, 32),
  QUEUE_MAX: wholeNumber(10, 0, 1000),
  /** The most of the queue and of the running slots alerts may hold, so people asking always find room. */
  ALERT_QUEUE_SHARE: z.preprocess(
    blankAsUnset,
    z.coerce
      .number({ error: 'expected a fraction from 0 to 1, e.g. 0.5' })
      .min(0, { error: 'expected a fraction from 0 to 1, e.g. 0.5' })
      .max(1, { error: 'expected a fraction from 0 to 1, e.g. 0.5' })
      .default(0.5),
  ),
  ALERT_CHANNELS: idList(CHANNEL_ID, `channel ids such as C0123ABCD, not names (${WHERE.channels})`),
  ALERT_COOLDOWN: z.preprocess(
    blankAsUnset,
    z
      .string()
      .default('15m')
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === undefined) {
          ctx.addIssue({ code: 'custom', message: 'expected a duration such as 15m, 90s or 1h' });
          return z.NEVER;
        }
        return ms;
      }),
  ),
  /** Bearer token Alertmanager/Grafana send to /alerts/*; unset turns the alert webhooks off. */
  ALERT_WEBHOOK_TOKEN: z.preprocess(
    blankAsUnset,
    z.string().min(16, { error: 'too short: use at least 16 random characters, e.g. `openssl rand -hex 32` (docs/alerts.md)' }).optional(),
  ),
  /** Where webhook alerts go unless the webhook URL says ?channel=C…. */
  ALERT_WEBHOOK_CHANNEL: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(CHANNEL_ID, { error: `expected a channel id such as C0123ABCD, not a name (${WHERE.channels})` })
      .optional(),
  ),
  /** Where 👍/👎 votes are appended as JSON lines; unset keeps them in memory (and in the log). */
  FEEDBACK_FILE: z.preprocess(blankAsUnset, z.string().optional()),
  /** The state database (SQLite); its folder is created. docs/state.md. Unused when STATE_URL is set. */
  STATE_PATH: z.preprocess(blankAsUnset, z.string().default('.state/incidentpilot.db')),
  /** PostgreSQL instead of SQLite (several replicas share it): postgres://user@host:5432/database[?sslmode=…]. */
  STATE_URL: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//i, { error: 'expected postgres://user@host:5432/database (docs/state.md#postgresql)' })
      .optional(),
  ),
  /** A file holding the PostgreSQL password (a mounted secret); it wins over a password in STATE_URL. */
  STATE_PASSWORD_FILE: z.preprocess(blankAsUnset, z.string().optional()),
  /** PEM CA bundle for PostgreSQL's certificate; implies sslmode=verify-full unless STATE_URL names a mode. */
  STATE_CA_FILE: z.preprocess(blankAsUnset, z.string().optional()),
  /** This process' name among replicas sharing the store; default host name + pid. docs/state.md "Running several replicas". */
  REPLICA_ID: z.preprocess(blankAsUnset, z.string().max(200, { error: 'expected at most 200 characters' }).optional()),
  /** How long a replica's claim on its running analyses lasts without a heartbeat; another replica takes over after it. */
  STATE_LEASE_MS: wholeNumber(30_000, 300, 600_000),
  /** Days analyses, alert fingerprints, event ids and votes are kept before the hourly prune removes them. */
  STATE_RETENTION_DAYS: wholeNumber(90, 1, 3650),
  /** After SIGTERM/SIGINT, how long running analyses may finish before they are marked interrupted. */
  SHUTDOWN_GRACE_MS: wholeNumber(30_000, 0, 600_000),
  /** One Slack Web API request's timeout. */
  SLACK_HTTP_TIMEOUT_MS: wholeNumber(10_000, 500, 120_000),
  /** All retries of one Slack call (5xx, network errors, 429 after Retry-After) stop after this long. */
  SLACK_RETRY_MAX_MS: wholeNumber(60_000, 0, 600_000),
  /** auto: analyses a person started stream their steps as task cards (docs/slack.md); off: threaded replies only. */
  SLACK_STREAMING: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z.enum(['auto', 'off'], { error: 'expected auto or off' }).default('auto'),
  ),
  SLACK_LOG_LEVEL: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z.enum(['debug', 'info', 'warn', 'error'], { error: 'expected one of debug, info, warn, error' }).default('info'),
  ),
  /** GET /metrics on the /healthz listener (HTTP mode: Slack's port; Socket Mode: the small listener on PORT). */
  METRICS_ENABLED: flag(false),
  /** Bearer token a scrape must send to /metrics; unset leaves /metrics open to whoever reaches the port. */
  METRICS_TOKEN: z.preprocess(
    blankAsUnset,
    z
      .string()
      .min(16, { error: 'too short: use at least 16 random characters, e.g. `openssl rand -hex 32` (docs/operations.md)' })
      .optional(),
  ),
  /** `json`: one JSON object per log line (time, level, message, analysis id, …); `text` (default) stays human-readable. */
  LOG_FORMAT: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z.enum(['text', 'json'], { error: 'expected text or json' }).default('text'),
  ),
  // Who may ask, and who sees what (docs/slack.md, "Access").
  ...PolicyEnvShape,
}).superRefine((env, ctx) => {
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['SLACK_SIGNING_SECRET'],
      message: `not set; HTTP mode needs it (${WHERE.signingSecret}), or set SLACK_APP_TOKEN for Socket Mode (${WHERE.appToken})`,
    });
  }
});

export type SlackConfig = z.infer<typeof SlackEnvSchema>;

/** Throws ConfigError naming each bad variable. */
export function loadSlackConfig(env: NodeJS.ProcessEnv = process.env): SlackConfig {
  const config = parseEnv(SlackEnvSchema, env);
  assertSafeModelTransport(config);
  return config;
}

export function slackMode(config: Pick<SlackConfig, 'SLACK_APP_TOKEN'>): 'socket' | 'http' {
  return config.SLACK_APP_TOKEN ? 'socket' : 'http';
}
