import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { METRICS_PATH } from '../../observability/endpoint.js';
import type { StateStore } from '../../store/types.js';
import type { AnalysisService, Logger } from '../worker/service.js';
import type { SlackIO } from '../worker/slack-io.js';
import { AlertGroups } from './groups.js';
import { type ChannelAllowed, createWebhookHandler, HEALTH_PATH, WEBHOOK_PATHS, type WebhookHandler } from './http.js';
import { type Probes, READY_PATH } from './probes.js';

export type { ChannelAllowed } from './http.js';

export interface AlertWebhooksOptions {
  token: string;
  defaultChannel?: string;
  /** The access policy's say on a channel; allows every channel when absent. */
  channelAllowed?: ChannelAllowed;
  service: AnalysisService;
  io: SlackIO;
  store: StateStore;
  cooldownMs: number;
  logger: Logger;
}

export interface AlertWebhooks {
  handler: WebhookHandler;
  groups: AlertGroups;
}

export function createAlertWebhooks(options: AlertWebhooksOptions): AlertWebhooks {
  const groups = new AlertGroups({
    service: options.service,
    io: options.io,
    store: options.store,
    cooldownMs: options.cooldownMs,
    logger: options.logger,
  });
  const handler = createWebhookHandler({
    token: options.token,
    defaultChannel: options.defaultChannel,
    channelAllowed: options.channelAllowed,
    groups,
    logger: options.logger,
  });
  return { handler, groups };
}

function healthOnly(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end('{"ok":true}');
}

/**
 * Bolt custom routes beside /slack/events (HTTP mode): /healthz always (the store's reachability with `probes`),
 * /readyz with `probes`, the alert paths when the webhooks are on.
 */
export function webhookRoutes(handle: (() => WebhookHandler | undefined) | undefined, probes?: Probes): CustomRoute[] {
  const routes: CustomRoute[] = [
    {
      path: HEALTH_PATH,
      method: ['GET', 'HEAD'],
      handler: (req, res) => {
        const handler = handle?.();
        if (probes) probes.health(req, res);
        else if (handler) handler.handle(req, res);
        else healthOnly(req, res);
      },
    },
    ...(probes ? [{ path: READY_PATH, method: ['GET', 'HEAD'], handler: probes.ready }] : []),
  ];
  if (!handle) return routes;
  for (const path of Object.values(WEBHOOK_PATHS)) {
    // GET reaches the handler too, so it is told to POST instead of getting Bolt's bare 404.
    routes.push({ path, method: ['POST', 'GET', 'PUT'], handler: (req, res) => handle()?.handle(req, res) });
  }
  return routes;
}

/**
 * What the small Socket Mode listener answers: /metrics when on, the alert webhooks when on, /healthz always and
 * /readyz with `probes`, 404 for anything else.
 */
export function listenerRoutes(
  handler: WebhookHandler | undefined,
  serveMetrics: ((req: IncomingMessage, res: ServerResponse) => void) | undefined,
  probes?: Probes,
): Pick<WebhookHandler, 'handle'> {
  return {
    handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (probes?.route(req, res)) return;
      if (serveMetrics && path === METRICS_PATH) serveMetrics(req, res);
      else if (handler) handler.handle(req, res);
      else if (path === HEALTH_PATH) healthOnly(req, res);
      else {
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"ok":false,"error":"no such path"}');
      }
    },
  };
}
