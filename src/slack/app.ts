import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { METRICS_PATH, metricsHandler } from '../observability/endpoint.js';
import { LineLogger } from '../observability/log.js';
import { metrics } from '../observability/metrics.js';
import { configureRedaction, DEFAULT_REDACTION, redactionOptions } from '../redaction/index.js';
import { SqliteStore } from '../store/sqlite.js';
import type { StateStore } from '../store/types.js';
import { modalKey } from './blocks/cause-modal.js';
import { type SlackConfig, slackMode } from './config.js';
import type { HealthView, SelfIdentity, SlackDeps } from './deps.js';
import { FeedbackStore } from './feedback.js';
import { registerListeners } from './listeners/index.js';
import { SlackDirectory } from './policy/directory.js';
import { OPEN_POLICY, type PolicyConfig } from './policy/env.js';
import { AccessPolicy } from './policy/policy.js';
import { type AlertWebhooks, type ChannelAllowed, createAlertWebhooks, listenerRoutes, webhookRoutes } from './webhooks/index.js';
import { createProbes } from './webhooks/probes.js';
import { startWebhookServer, type WebhookServer } from './webhooks/server.js';
import { BusyNotices, DEFAULT_ALERT_SHARE } from './worker/admission.js';
import { EventDedupe } from './worker/bounded-map.js';
import type { AnalyzeFn } from './worker/job.js';
import { DEFAULT_LEASE_MS, defaultReplicaId, Replica } from './worker/replica.js';
import { AnalysisService } from './worker/service.js';
import { DEFAULT_SLACK_RETRY, type SlackRetryPolicy, slackErrorCode, webClientIO, webClientOptions } from './worker/slack-io.js';

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
  Partial<Pick<SlackConfig, 'METRICS_ENABLED' | 'METRICS_TOKEN' | 'ANALYSIS_ENGINE' | 'LOG_FORMAT'>> &
  Partial<Pick<SlackConfig, 'ALERT_QUEUE_SHARE'>> &
  // Replicas on one store (docs/state.md); unset: host name + pid, DEFAULT_LEASE_MS.
  Partial<Pick<SlackConfig, 'REPLICA_ID' | 'STATE_LEASE_MS'>> &
  // Access policy (policy/env.ts); unset keys take the defaults.
  Partial<PolicyConfig> &
  // auto unless set.
  Partial<Pick<SlackConfig, 'SLACK_STREAMING'>> &
  // Redaction (docs/security.md); tests that leave them out keep the process's settings.
  Partial<Pick<SlackConfig, 'REDACT_EMAILS' | 'REDACT_IPS' | 'REDACT_EXTRA_PATTERNS'>>;

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
  /** Durable state; without one the bot keeps state in an in-memory SQLite database (tests, experiments). */
  store?: StateStore;
  /** Web API timeout and retry budget; tests shorten it. */
  slackRetry?: SlackRetryPolicy;
  shutdownGraceMs?: number;
  reportRetryMs?: number;
  /** MCP servers' health and the engine in use, for `/rca status`. */
  health?: () => HealthView;
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
  /** Graceful: intake stops, running analyses get the grace period, the rest are marked interrupted. */
  stop(): Promise<void>;
  /** After an uncaught exception: running analyses are marked failed and told, within a few seconds. */
  crash(reason: string): Promise<void>;
}

const LOG_LEVELS: Record<BotConfig['SLACK_LOG_LEVEL'], LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

export function createSlackBot(options: BotOptions): SlackBot {
  const { config } = options;
  // Every block, log line and stored text of the bot redacts with the operator's settings (REDACT_IPS, REDACT_EXTRA_PATTERNS).
  if (config.REDACT_EMAILS !== undefined || config.REDACT_IPS !== undefined || config.REDACT_EXTRA_PATTERNS !== undefined) {
    configureRedaction(
      redactionOptions({
        REDACT_EMAILS: config.REDACT_EMAILS ?? DEFAULT_REDACTION.emails,
        REDACT_IPS: config.REDACT_IPS ?? DEFAULT_REDACTION.ips,
        REDACT_EXTRA_PATTERNS: config.REDACT_EXTRA_PATTERNS ?? DEFAULT_REDACTION.extra,
      }),
    );
  }
  const mode = slackMode(config);
  // Separate objects: the Socket Mode client mutates its options (retryConfig), which must not leak into the bot's client.
  const retry = options.slackRetry ?? DEFAULT_SLACK_RETRY;
  const clientOptions = () => webClientOptions(retry, config.SLACK_API_URL);
  const logLevel = LOG_LEVELS[config.SLACK_LOG_LEVEL];
  // LOG_FORMAT=json: Bolt's and the Socket Mode client's lines as JSON objects too; text keeps Bolt's own logger.
  const jsonLogs = config.LOG_FORMAT === 'json';
  let webhooks: AlertWebhooks | undefined;
  const webhooksOn = Boolean(config.ALERT_WEBHOOK_TOKEN);
  const ownsStore = !options.store;
  const serveMetrics = config.METRICS_ENABLED ? metricsHandler(metrics, config.METRICS_TOKEN) : undefined;
  const store = options.store ?? SqliteStore.open(':memory:');
  const replicaId = config.REPLICA_ID ?? defaultReplicaId();
  // Routes exist before the service does; the probes ask it only when a request comes.
  const probes = createProbes({ ping: () => store.coordination.ping(), accepting: () => service.accepting, replica: replicaId });

  const receiver =
    mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.SLACK_APP_TOKEN ?? '',
          logLevel,
          ...(jsonLogs ? { logger: new LineLogger('json', logLevel, 'socket-mode') } : {}),
          installerOptions: { clientOptions: clientOptions() },
        })
      : undefined;
  const app =
    receiver !== undefined
      ? new App({ token: config.SLACK_BOT_TOKEN, receiver, logLevel, clientOptions: clientOptions(), ...appLogger(jsonLogs, logLevel) })
      : new App({
          token: config.SLACK_BOT_TOKEN,
          signingSecret: config.SLACK_SIGNING_SECRET ?? '',
          port: config.PORT,
          customRoutes: [
            ...webhookRoutes(webhooksOn ? () => webhooks?.handler : undefined, probes),
            ...(serveMetrics ? [{ path: METRICS_PATH, method: ['GET', 'HEAD'], handler: serveMetrics }] : []),
          ],
          logLevel,
          clientOptions: clientOptions(),
          ...appLogger(jsonLogs, logLevel),
        });

  const self: SelfIdentity = {};
  const policyConfig: PolicyConfig = { ...OPEN_POLICY, ...config };
  const logger = app.logger;
  if (receiver) watchSocket(receiver, logger);
  const service = new AnalysisService({
    analyze: options.analyze,
    io: webClientIO(app.client),
    store,
    ...(options.shutdownGraceMs !== undefined ? { shutdownGraceMs: options.shutdownGraceMs } : {}),
    ...(options.reportRetryMs !== undefined ? { reportRetryMs: options.reportRetryMs } : {}),
    concurrency: config.ANALYSIS_CONCURRENCY,
    queueMax: config.QUEUE_MAX,
    alertShare: config.ALERT_QUEUE_SHARE ?? DEFAULT_ALERT_SHARE,
    timeoutMs: config.ANALYSIS_TIMEOUT_MS,
    alertCooldownMs: config.ALERT_COOLDOWN,
    pacingMs: options.pacingMs ?? DEFAULT_PACING_MS,
    logger,
    maxQueuedPerUser: policyConfig.MAX_QUEUED_PER_USER,
    ...(options.sampleData ? { sampleData: options.sampleData } : {}),
    ...(config.SLACK_STREAMING === 'off' ? {} : { streamTeam: () => self.teamId }),
    replica: new Replica({
      id: replicaId,
      leaseMs: config.STATE_LEASE_MS ?? DEFAULT_LEASE_MS,
      coordination: store.coordination,
      logger,
    }),
  });
  metrics.watchLoad(() => service.load, config.QUEUE_MAX);
  metrics.configuredEngine = config.ANALYSIS_ENGINE;
  const policy = new AccessPolicy(policyConfig, new SlackDirectory(app.client), self, config.ALERT_CHANNELS, logger);
  // Webhook routes name a channel in their URL; the same channel rule as every Slack trigger decides.
  const channelAllowed: ChannelAllowed =
    options.channelAllowed ??
    (async (channel) => {
      if (!policy.channelAllowed(channel)) return 'analyses run only in ALLOWED_CHANNELS and ALERT_CHANNELS';
      // Throws when Slack cannot say; the route then answers 503 so the sender retries.
      const shared = await policy.sharedChannelRefusal(channel);
      return shared
        ? 'the channel is shared with another organisation (Slack Connect) and analyses quote internal logs (ALLOW_SHARED_CHANNELS)'
        : true;
    });
  if (config.ALERT_WEBHOOK_TOKEN) {
    webhooks = createAlertWebhooks({
      token: config.ALERT_WEBHOOK_TOKEN,
      defaultChannel: config.ALERT_WEBHOOK_CHANNEL,
      channelAllowed,
      service,
      store,
      io: webClientIO(app.client),
      cooldownMs: config.ALERT_COOLDOWN,
      logger,
    });
  }
  let listener: WebhookServer | undefined;
  const deps: SlackDeps = {
    service,
    feedback: options.feedback ?? new FeedbackStore(config.FEEDBACK_FILE, store),
    dedupe: new EventDedupe(store),
    memory: store.memory,
    self,
    alertChannels: new Set(config.ALERT_CHANNELS),
    logger,
    policy,
    alertBusy: new BusyNotices(config.ALERT_COOLDOWN),
    modalKey: modalKey(config.SLACK_BOT_TOKEN),
    ...(options.health ? { health: options.health } : {}),
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
      // Registered (with a heartbeat) first, so a replica starting beside this one never takes this one's work.
      await service.lifecycle.join();
      // What the last process left unfinished is marked before new work arrives (and told in its threads).
      const recovered = await service.lifecycle.recover();
      if (recovered > 0) logger.warn(`${recovered} analyses were cut short by the last restart; their threads are being told`);
      service.lifecycle.startReportRetry();
      const started = (await app.start()) as unknown;
      const address = mode === 'http' ? ((started as Server | undefined)?.address() as AddressInfo | null) : null;
      // Socket Mode has no HTTP server; the webhooks and /metrics get a small one of their own on PORT.
      if (mode === 'socket' && (webhooks || serveMetrics))
        listener = await startWebhookServer(listenerRoutes(webhooks?.handler, serveMetrics, probes), config.PORT);
      const port = listener?.port ?? address?.port;
      const webhookNote = `${webhooks ? `; alert webhooks on port ${port}` : ''}${serveMetrics ? `; metrics on port ${port} ${METRICS_PATH}` : ''}`;
      logger.info(
        `IncidentPilot connected as ${auth.user ?? self.userId} (${mode === 'socket' ? 'Socket Mode' : `HTTP on port ${address?.port}`}${webhookNote})`,
      );
      return { port: address?.port ?? listener?.port };
    },
    async stop() {
      await listener?.close();
      await service.shutdown();
      await app.stop().catch((error: unknown) => logger.warn(`Slack disconnect failed: ${slackErrorCode(error)}`));
      if (ownsStore) await store.close();
    },
    async crash(reason) {
      await service.lifecycle.crash(reason);
    },
  };
}

/** Socket Mode drops and reconnects are logged; the client reconnects by itself and the bot keeps serving. */
function watchSocket(receiver: SocketModeReceiver, logger: App['logger']): void {
  let connectedOnce = false;
  receiver.client.on('connected', () => {
    if (connectedOnce) logger.warn('Socket Mode reconnected');
    connectedOnce = true;
  });
  receiver.client.on('reconnecting', () => logger.warn('Socket Mode connection lost; reconnecting'));
  receiver.client.on('disconnected', () => logger.info('Socket Mode disconnected'));
}

function appLogger(json: boolean, level: LogLevel): { logger?: LineLogger } {
  return json ? { logger: new LineLogger('json', level) } : {};
}
