import type { IncomingMessage, ServerResponse } from 'node:http';
import { within } from '../worker/run.js';
import { slackErrorCode } from '../worker/slack-io.js';
import { HEALTH_PATH } from './http.js';

export const READY_PATH = '/readyz';
/** A store that does not answer a trivial query in this long counts as unreachable. */
const PING_TIMEOUT_MS = 2_000;

export interface ProbeOptions {
  /** Throws (or never settles) when the state store cannot be reached. */
  ping: () => Promise<void>;
  /** False while draining (SIGTERM): a load balancer should stop sending. */
  accepting: () => boolean;
  replica: string;
}

export interface Probes {
  /** GET /healthz: 200 while the store answers, 503 naming it when it does not. */
  health(req: IncomingMessage, res: ServerResponse): void;
  /** GET /readyz: 200 while taking work (intake open, store reachable), 503 while draining or cut off. */
  ready(req: IncomingMessage, res: ServerResponse): void;
  /** Routes GET/HEAD of either path; false for any other request. */
  route(req: IncomingMessage, res: ServerResponse): boolean;
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Liveness and readiness for a load balancer or supervisor in front of several replicas. */
export function createProbes(options: ProbeOptions): Probes {
  const store = async (): Promise<{ reachable: boolean; error?: string }> => {
    try {
      const ping = options.ping();
      if (!(await within(ping, PING_TIMEOUT_MS))) return { reachable: false, error: `no answer within ${PING_TIMEOUT_MS} ms` };
      await ping;
      return { reachable: true };
    } catch (error) {
      return { reachable: false, error: slackErrorCode(error) };
    }
  };
  const probes: Probes = {
    health(_req, res) {
      void store().then((state) =>
        answer(res, state.reachable ? 200 : 503, {
          ok: state.reachable,
          replica: options.replica,
          store: state.reachable ? 'reachable' : 'unreachable',
          ...(state.error ? { error: state.error } : {}),
        }),
      );
    },
    ready(_req, res) {
      const accepting = options.accepting();
      void store().then((state) => {
        const ready = accepting && state.reachable;
        answer(res, ready ? 200 : 503, {
          ok: ready,
          replica: options.replica,
          ...(accepting ? {} : { draining: true }),
          store: state.reachable ? 'reachable' : 'unreachable',
        });
      });
    },
    route(req, res) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== HEALTH_PATH && path !== READY_PATH) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { 'content-type': 'application/json; charset=utf-8', allow: 'GET' });
        res.end('{"ok":false,"error":"use GET"}');
      } else if (path === HEALTH_PATH) probes.health(req, res);
      else probes.ready(req, res);
      return true;
    },
  };
  return probes;
}
