import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookHandler } from './http.js';

/** Requests that take longer than this in total are cut off; the handler's own body timeout is shorter. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface WebhookServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Socket Mode has no HTTP server of its own, so the alert webhooks and /metrics get this one on PORT: the alert
 * paths, /metrics and /healthz, nothing of Slack's.
 */
export async function startWebhookServer(handler: Pick<WebhookHandler, 'handle'>, port: number, host?: string): Promise<WebhookServer> {
  const server: Server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => handler.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
