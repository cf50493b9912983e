import type { Endpoint } from '../logs/traffic.js';
import type { Lang, Service, ServiceSpec } from '../service.js';
import { MINUTE } from '../time.js';
import type { World } from '../world.js';

/**
 * A service outside the shop's presets, for scenarios set in other companies: name, stack and format, with endpoints
 * made from its name unless given. Keeps each new scenario about its story rather than fifty lines of boilerplate.
 */
export function app(
  name: string,
  lang: Lang,
  format: ServiceSpec['format'],
  overrides: Partial<ServiceSpec> & { version: string },
): ServiceSpec {
  const noun = name.replace(/-(api|service|svc|worker|server|gateway|proxy)$/, '');
  const endpoints: Endpoint[] = [
    { method: 'GET', path: `/v1/${noun}/{id}`, weight: 6 },
    { method: 'POST', path: `/v1/${noun}`, weight: 2, cost: 1.6 },
    { method: 'GET', path: `/v1/${noun}?page={id}`, weight: 2, cost: 1.3 },
  ];
  return {
    name,
    lang,
    format,
    rps: 80,
    p95: 90,
    errorPct: 0.06,
    cpu: 30,
    accessPerMin: 1.5,
    components: [noun, 'api', 'storage'],
    endpoints,
    ...(lang === 'java' ? { pkg: `io.${noun.replace(/-/g, '')}` } : {}),
    ...overrides,
  };
}

/** Series a scenario exports instead of a service's golden four, as a Prometheus setup would name them. */
export interface OutcomeSplit {
  metric: string;
  /** Identity labels (`service_name`, `app`, `job`, …) on every slice. */
  labels: Record<string, string>;
  /** Outcome labels of the success slice and of the failing slice (`{code: '200'}`, `{outcome: 'CLIENT_ERROR', status: '429'}`). */
  ok: Record<string, string>;
  error: Record<string, string>;
  unit: string;
  /** Written as a cumulative counter (a `_total`/`_count` series) rather than a per-second rate. */
  cumulative?: boolean;
}

/**
 * A service's traffic split by outcome: the success slice is requests × (1 − error share), the error slice
 * requests × error share, both read from the service's own series so logs and charts agree.
 */
export function outcomeSplit(w: World, svc: Service, spec: OutcomeSplit): void {
  const slice = (labels: Record<string, string>, share: (t: number) => number) => {
    let total = 0;
    w.series({ metric: spec.metric, tags: { ...spec.labels, ...labels }, unit: spec.unit, base: 1, jitter: 0, decimals: 3 }).shape(
      w.start,
      w.now + MINUTE,
      (minutes) => {
        const t = w.start + minutes * MINUTE;
        const rate = svc.requests.valueAt(t) * share(t);
        if (!spec.cumulative) return rate;
        total += Math.round(rate * 60);
        return total;
      },
    );
  };
  slice(spec.ok, (t) => 1 - svc.errors.valueAt(t) / 100);
  slice(spec.error, (t) => svc.errors.valueAt(t) / 100);
}

/** A service's p99 or p95 latency under another name (seconds), following its own latency series. */
export function latencyAs(w: World, svc: Service, metric: string, labels: Record<string, string>): void {
  w.series({ metric, tags: labels, unit: 's', base: 1, jitter: 0, decimals: 3 }).shape(w.start, w.now + MINUTE, (minutes) => {
    return svc.latency.valueAt(w.start + minutes * MINUTE) / 1000;
  });
}

/**
 * A bystander: a service of the same fleet that has nothing to do with the incident, with its golden signals, sampled
 * access lines and the WARN/ERROR hum every service has, so a case's data is as crowded as a real fleet's.
 */
export function bystander(w: World, name: string, lang: Lang, format: ServiceSpec['format'], version: string): Service {
  const svc = w.service(app(name, lang, format, { version, rps: 150, p95: 70, accessPerMin: 5 }));
  svc.every(w.start, w.now, 8 / 60, (r) => ({ level: 'warn', msg: `slow downstream call took ${r.int(800, 2500)}ms, within budget` }));
  svc.every(w.start, w.now, 6 / 60, (r) => ({
    level: 'error',
    msg: `background refresh of ${name} cache failed, keeping entry ${r.int(100, 999)}`,
  }));
  return svc;
}
