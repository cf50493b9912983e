import type { LogEvent, LogFormat, Origin } from './logs/formats.js';
import { accessEvent, type Endpoint, fillPath, sampleStatus } from './logs/traffic.js';
import type { SeriesBuilder } from './metrics.js';
import type { Rng } from './prng.js';
import { MINUTE } from './time.js';

export type Lang = 'java' | 'node' | 'go' | 'python';

export interface ServiceSpec {
  name: string;
  lang: Lang;
  format: LogFormat;
  /** Log file under logs/, default `<name>.log`. */
  file?: string;
  /** Lines older than this go to the rotated file `<file>.1` (gzipped when rotateGzip). */
  rotateAt?: number;
  rotateGzip?: boolean;
  /** Java package, for logger names such as com.shop.checkout.service.CheckoutService. */
  pkg?: string;
  rps: number;
  p95: number;
  errorPct: number;
  cpu?: number;
  endpoints: Endpoint[];
  /** Access lines kept per minute at base traffic (sampling). */
  accessPerMin: number;
  /** Commit scopes for the routine git history, e.g. ['cart', 'pricing']. */
  components: string[];
  /** The version running before the scenario's own deploys. */
  version: string;
  /** A log source with no golden metrics of its own (Kubernetes events, a database's log). */
  logOnly?: boolean;
  /** False: its golden series drive its logs but are not written; the scenario exports its own (Prometheus-style names). */
  golden?: false;
  /** Extra tags on the service's golden series (host, instance, region). */
  tags?: Record<string, string>;
  /** The service's log clock runs this far off (ms, + ahead): its lines carry shifted times, its metrics do not. */
  clockSkewMs?: number;
  /** Amplitude of the daily traffic curve on its request rate (default 0.25). */
  diurnal?: number;
  /** Host name stamped on its lines (syslog, journald); default a pod name. */
  hostname?: string;
}

/** What each event factory returns: an event without its time. */
export type EventPart = Omit<LogEvent, 't'>;
export type Rate = number | ((t: number) => number);

interface FailureShape {
  from: number;
  paths?: string[];
  statuses: number[];
}

/** A service in a scenario: its four golden series, its log events and how its failures look in access logs. */
export class Service {
  readonly events: LogEvent[] = [];
  readonly origin: Origin;
  private readonly failures: FailureShape[] = [];

  constructor(
    readonly spec: ServiceSpec,
    readonly requests: SeriesBuilder,
    readonly errors: SeriesBuilder,
    readonly latency: SeriesBuilder,
    readonly cpu: SeriesBuilder,
    private readonly rng: Rng,
    private readonly window: { start: number; end: number },
  ) {
    this.origin = {
      service: spec.name,
      hostname: spec.hostname ?? `${spec.name}-${rng.hex(9)}-${rng.hex(5)}`,
      pid: spec.lang === 'node' || spec.lang === 'java' ? 1 : rng.int(7, 60),
    };
  }

  logger(suffix: string): string {
    return `${this.spec.pkg ?? 'com.shop'}.${suffix}`;
  }

  /** One line at an instant (startup banners, a job's start, an alert). */
  log(t: number, event: EventPart): this {
    if (t >= this.window.start && t <= this.window.end) this.events.push({ t, ...event });
    return this;
  }

  /** Lines at a Poisson rate (per minute) between two instants, each made fresh so ids and numbers vary. */
  every(from: number, until: number, perMinute: Rate, make: (rng: Rng, t: number) => EventPart): this {
    const lo = Math.max(from, this.window.start);
    const hi = Math.min(until, this.window.end);
    for (let m = lo - (lo % MINUTE); m < hi; m += MINUTE) {
      const rate = typeof perMinute === 'number' ? perMinute : perMinute(m);
      const n = this.rng.poisson(rate);
      for (let i = 0; i < n; i++) {
        const t = m + this.rng.int(0, MINUTE - 1);
        if (t >= lo && t < hi) this.events.push({ t, ...make(this.rng, t) });
      }
    }
    return this;
  }

  /** A scheduled job: a line every `minutes`, at a fixed offset, like cron. */
  cron(minutes: number, offsetMinutes: number, make: (rng: Rng, t: number) => EventPart): this {
    const first = this.window.start - (this.window.start % (minutes * MINUTE)) + offsetMinutes * MINUTE;
    for (let t = first; t <= this.window.end; t += minutes * MINUTE) {
      this.log(t + this.rng.int(0, 1500), make(this.rng, t));
    }
    return this;
  }

  /** From `from`, failing requests hit these paths with these statuses (default: any path, 500/502/503). */
  failuresLookLike(from: number, statuses: number[], paths?: string[]): this {
    this.failures.push({ from, statuses, ...(paths ? { paths } : {}) });
    return this;
  }

  /** Sampled access lines that follow this service's request, error and latency series. */
  writeTraffic(): void {
    const { spec, rng } = this;
    const weights = spec.endpoints.map((e) => [e, e.weight] as const);
    for (let m = this.window.start; m < this.window.end; m += MINUTE) {
      const load = this.requests.valueAt(m) / spec.rps;
      const errorPct = this.errors.valueAt(m);
      const p95 = this.latency.valueAt(m);
      const shape = this.failures.filter((f) => f.from <= m).at(-1);
      const n = rng.poisson(spec.accessPerMin * load);
      for (let i = 0; i < n; i++) {
        const t = m + rng.int(0, MINUTE - 1);
        let endpoint = rng.weighted(weights);
        const status = sampleStatus(rng, errorPct, shape?.statuses ?? [500, 502, 503]);
        if (status >= 500 && shape?.paths) {
          const path = rng.pick(shape.paths);
          endpoint = spec.endpoints.find((e) => e.path === path) ?? endpoint;
        }
        const median = p95 / 2.6;
        let duration = median * (endpoint.cost ?? 1) * Math.exp(rng.normal(0, 0.5));
        if (status >= 500 && errorPct > 2) duration = p95 * rng.float(0.7, 1.15);
        if (status === 304 || status === 401) duration *= 0.3;
        const req = {
          t,
          endpoint,
          path: fillPath(endpoint.path, rng),
          status,
          durationMs: Math.max(1, Math.round(duration)),
          requestId: rng.uuid(),
        };
        this.events.push(accessEvent(spec.format, req, spec.pkg, rng));
      }
    }
  }
}
