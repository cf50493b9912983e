import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BotMetrics } from './metrics.js';

/**
 * GET /metrics in the Prometheus text format, on the listener that serves /healthz. With METRICS_TOKEN set, a scrape
 * must send `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`), compared in constant time.
 */

export const METRICS_PATH = '/metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function metricsHandler(source: BotMetrics, token: string | undefined): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = token ? digest(token) : undefined;
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' });
      res.end('use GET\n');
      return;
    }
    if (expected) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      // Digests have a fixed length, so the comparison takes the same time whatever was sent.
      if (!(timingSafeEqual(digest(match?.[1] ?? ''), expected) && match)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="incidentpilot-metrics"', 'content-type': 'text/plain; charset=utf-8' });
        res.end('missing or wrong bearer token (Authorization: Bearer <METRICS_TOKEN>)\n');
        return;
      }
    }
    source.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': source.registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('metrics could not be collected\n');
      },
    );
  };
}
