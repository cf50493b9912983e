import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { type SlackConfig, slackMode } from './config.js';
import type { SelfIdentity, SlackDeps } from './deps.js';
import { FeedbackStore } from './feedback.js';
import { registerListeners } from './listeners/index.js';
import { EventDedupe } from './worker/bounded-map.js';
import type { AnalyzeFn } from './worker/job.js';
import { AnalysisService } from './worker/service.js';
import { slackErrorCode, webClientIO } from './worker/slack-io.js';

/** chat.postMessage allows about one message per second per channel; a little slack for clock skew. */
export const DEFAULT_PACING_MS = 1100;

export type BotConfig = Pick<
  SlackConfig,
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_APP_TOKEN'
  | 'SLACK_SIGNING_SECRET'
  | 'PORT'
  | 'SLACK_API_URL'
  | 'ANALYSIS_CONCURRENCY'
  | 'QUEUE_MAX'
  | 'ANALYSIS_TIMEOUT_MS'
  | 'ALERT_CHANNELS'
  | 'ALERT_COOLDOWN'
  | 'FEEDBACK_FILE'
  | 'SLACK_LOG_LEVEL'
>;

export interface BotOptions {
  config: BotConfig;
  analyze: AnalyzeFn;
  /** Gap between posts in one channel; injectable so tests run fast. */
  pacingMs?: number;
  feedback?: FeedbackStore;
  /** The dataset every server reads when none is live; stamped on every status message. */
  sampleData?: string;
}

export interface SlackBot {
  app: App;
  deps: SlackDeps;
  mode: 'socket' | 'http';
  /** Resolves once connected (Socket Mode) or listening (HTTP mode; `port` is then the bound port). */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

const LOG_LEVELS: Record<BotConfig['SLACK_LOG_LEVEL'], LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

export function createSlackBot(options: BotOptions): SlackBot {
  const { config } = options;
  const mode = slackMode(config);
  // Separate objects: the Socket Mode client mutates its options (retryConfig), which must not leak into the bot's client.
  const clientOptions = () => (config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {});
  const logLevel = LOG_LEVELS[config.SLACK_LOG_LEVEL];

  const app =
    mode === 'socket'
      ? new App({
          token: config.SLACK_BOT_TOKEN,
          appToken: config.SLACK_APP_TOKEN,
          socketMode: true,
          logLevel,
          clientOptions: clientOptions(),
          installerOptions: { clientOptions: clientOptions() },
        })
      : new App({
          token: config.SLACK_BOT_TOKEN,
          signingSecret: config.SLACK_SIGNING_SECRET ?? '',
          port: config.PORT,
          logLevel,
          clientOptions: clientOptions(),
        });

  const self: SelfIdentity = {};
  const logger = app.logger;
  const service = new AnalysisService({
    analyze: options.analyze,
    io: webClientIO(app.client),
    concurrency: config.ANALYSIS_CONCURRENCY,
    queueMax: config.QUEUE_MAX,
    timeoutMs: config.ANALYSIS_TIMEOUT_MS,
    alertCooldownMs: config.ALERT_COOLDOWN,
    pacingMs: options.pacingMs ?? DEFAULT_PACING_MS,
    logger,
    ...(options.sampleData ? { sampleData: options.sampleData } : {}),
  });
  const deps: SlackDeps = {
    service,
    feedback: options.feedback ?? new FeedbackStore(config.FEEDBACK_FILE),
    dedupe: new EventDedupe(),
    self,
    alertChannels: new Set(config.ALERT_CHANNELS),
    logger,
  };
  registerListeners(app, deps);
  app.error(async (error) => {
    logger.error(`unhandled listener error: ${slackErrorCode(error)}`);
  });

  return {
    app,
    deps,
    mode,
    async start() {
      // Who "self" is must be known before the first event, so the bot never answers itself.
      const auth = await app.client.auth.test();
      self.userId = auth.user_id;
      self.botId = auth.bot_id;
      const started = (await app.start()) as unknown;
      const address = mode === 'http' ? ((started as Server | undefined)?.address() as AddressInfo | null) : null;
      logger.info(
        `IncidentPilot connected as ${auth.user ?? self.userId} (${mode === 'socket' ? 'Socket Mode' : `HTTP on port ${address?.port}`})`,
      );
      return { port: address?.port };
    },
    async stop() {
      await service.shutdown();
      await app.stop();
    },
  };
}
