import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { type SlackConfig, slackMode } from './config.js';
import type { SelfIdentity, SlackDeps } from './deps.js';
import { FeedbackStore } from './feedback.js';
import { registerListeners } from './listeners/index.js';
import { SlackDirectory } from './policy/directory.js';
import { OPEN_POLICY, type PolicyConfig } from './policy/env.js';
import { AccessPolicy } from './policy/policy.js';
import { type AlertWebhooks, type ChannelAllowed, createAlertWebhooks, webhookRoutes } from './webhooks/index.js';
import { startWebhookServer, type WebhookServer } from './webhooks/server.js';
import { BusyNotices } from './worker/admission.js';
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
  | 'ALERT_WEBHOOK_TOKEN'
  | 'ALERT_WEBHOOK_CHANNEL'
  | 'FEEDBACK_FILE'
  | 'SLACK_LOG_LEVEL'
> &
  // Access policy (policy/env.ts); unset keys take the defaults.
  Partial<PolicyConfig>;

export interface BotOptions {
  config: BotConfig;
  analyze: AnalyzeFn;
  /** Gap between posts in one channel; injectable so tests run fast. */
  pacingMs?: number;
  feedback?: FeedbackStore;
  /** The access policy's hook for channels alerts are routed to by webhook; every channel when absent. */
  channelAllowed?: ChannelAllowed;
  /** The dataset every server reads when none is live; stamped on every status message. */
  sampleData?: string;
}

export interface SlackBot {
  app: App;
  deps: SlackDeps;
  mode: 'socket' | 'http';
  /** The alert webhooks (/alerts/alertmanager, /alerts/grafana) when ALERT_WEBHOOK_TOKEN is set. */
  webhooks?: AlertWebhooks;
  /**
   * Resolves once connected (Socket Mode) or listening. `port` is the bound HTTP port: Slack's and the webhooks'
   * in HTTP mode, the webhook listener's in Socket Mode (absent when the webhooks are off).
   */
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
  let webhooks: AlertWebhooks | undefined;
  const webhooksOn = Boolean(config.ALERT_WEBHOOK_TOKEN);

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
          customRoutes: webhookRoutes(webhooksOn ? () => webhooks?.handler : undefined),
          logLevel,
          clientOptions: clientOptions(),
        });

  const self: SelfIdentity = {};
  const policyConfig: PolicyConfig = { ...OPEN_POLICY, ...config };
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
    maxQueuedPerUser: policyConfig.MAX_QUEUED_PER_USER,
    ...(options.sampleData ? { sampleData: options.sampleData } : {}),
  });
  const policy = new AccessPolicy(policyConfig, new SlackDirectory(app.client), self, config.ALERT_CHANNELS, logger);
  // Webhook routes name a channel in their URL; the same channel rule as every Slack trigger decides.
  const channelAllowed: ChannelAllowed =
    options.channelAllowed ??
    ((channel) => (policy.channelAllowed(channel) ? true : 'analyses run only in ALLOWED_CHANNELS and ALERT_CHANNELS'));
  if (config.ALERT_WEBHOOK_TOKEN) {
    webhooks = createAlertWebhooks({
      token: config.ALERT_WEBHOOK_TOKEN,
      defaultChannel: config.ALERT_WEBHOOK_CHANNEL,
      channelAllowed,
      service,
      io: webClientIO(app.client),
      cooldownMs: config.ALERT_COOLDOWN,
      logger,
    });
  }
  let listener: WebhookServer | undefined;
  const deps: SlackDeps = {
    service,
    feedback: options.feedback ?? new FeedbackStore(config.FEEDBACK_FILE),
    dedupe: new EventDedupe(),
    self,
    alertChannels: new Set(config.ALERT_CHANNELS),
    logger,
    policy,
    alertBusy: new BusyNotices(config.ALERT_COOLDOWN),
  };
  registerListeners(app, deps);
  app.error(async (error) => {
    logger.error(`unhandled listener error: ${slackErrorCode(error)}`);
  });

  return {
    app,
    deps,
    mode,
    webhooks,
    async start() {
      // Who "self" is must be known before the first event, so the bot never answers itself.
      const auth = await app.client.auth.test();
      self.userId = auth.user_id;
      self.botId = auth.bot_id;
      self.teamId = auth.team_id;
      self.enterpriseId = auth.enterprise_id;
      const started = (await app.start()) as unknown;
      const address = mode === 'http' ? ((started as Server | undefined)?.address() as AddressInfo | null) : null;
      // Socket Mode has no HTTP server; the webhooks get a small one of their own on PORT.
      if (mode === 'socket' && webhooks) listener = await startWebhookServer(webhooks.handler, config.PORT);
      const webhookNote = webhooks ? `; alert webhooks on port ${listener?.port ?? address?.port}` : '';
      logger.info(
        `IncidentPilot connected as ${auth.user ?? self.userId} (${mode === 'socket' ? 'Socket Mode' : `HTTP on port ${address?.port}`}${webhookNote})`,
      );
      return { port: address?.port ?? listener?.port };
    },
    async stop() {
      await listener?.close();
      await service.shutdown();
      await app.stop();
    },
  };
}
