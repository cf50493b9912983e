import { type CommitOut, type DeploymentOut, GitHistory, type IdStyle } from './git/history.js';
import { type LogEvent, renderEvent } from './logs/formats.js';
import { SeriesBuilder, type SeriesOut, type SeriesSpec } from './metrics.js';
import { Rng } from './prng.js';
import { Service, type ServiceSpec } from './service.js';
import { Clock, DAY, iso, MINUTE, SECOND } from './time.js';

export interface DatasetFiles {
  meta: { name: string; description: string; now: string };
  logs: { file: string; text: string; gzip: boolean }[];
  commits: CommitOut[];
  deployments: DeploymentOut[];
  metrics: { series: SeriesOut[] };
  /** The team's runbooks shipped with a sample dataset (runbooks/<file>), so `npm run rca` shows the Runbook block. */
  runbooks?: { file: string; text: string }[];
  /** Cluster state for the kubernetes server's dataset mode (kubernetes/<resource>.json, each a `kind: List`). */
  kubernetes?: { file: string; list: Record<string, unknown> }[];
}

export interface WorldOptions {
  name: string;
  description: string;
  seed: string;
  /** The incident day, YYYY-MM-DD (UTC). */
  date: string;
  /** Start of the telemetry window (HH:MM, on `date` plus `startDay` days). */
  start: string;
  startDay?: number;
  /** When the on-call asks: the dataset's `now` and the end of the telemetry. */
  now: string;
  nowDay?: number;
  deploymentIds: IdStyle;
  /** Days of routine git history before the story. */
  historyDays?: number;
}

const pascal = (s: string) => s.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

/**
 * The incident's world: services with their golden signals and logs, extra resource series, git history.
 * A scenario declares the baseline, then the story as changes to it, then calls finish().
 */
export class World {
  readonly clock: Clock;
  readonly start: number;
  readonly now: number;
  readonly rng: Rng;
  readonly git: GitHistory;
  private readonly services = new Map<string, Service>();
  private readonly extra: SeriesBuilder[] = [];

  constructor(private readonly opts: WorldOptions) {
    this.clock = new Clock(opts.date);
    this.start = this.clock.at(opts.start, opts.startDay ?? 0);
    this.now = this.clock.at(opts.now, opts.nowDay ?? 0);
    this.rng = new Rng(opts.seed);
    this.git = new GitHistory(this.rng.fork('git'), opts.deploymentIds);
  }

  at(hhmm: string, day = 0): number {
    return this.clock.at(hhmm, day);
  }

  /** Routine history from `historyDays` before the window up to `until` (default: the window start). */
  history(until = this.start): void {
    this.git.background(
      [...this.services.values()].filter((s) => !s.spec.logOnly).map((s) => s.spec),
      this.start - (this.opts.historyDays ?? 6) * DAY,
      until,
    );
  }

  series(spec: SeriesSpec): SeriesBuilder {
    const key = `${spec.metric}${JSON.stringify(spec.tags)}`;
    const builder = new SeriesBuilder(spec, this.start, this.now, this.rng.fork(`series/${key}`));
    this.extra.push(builder);
    return builder;
  }

  service(spec: ServiceSpec): Service {
    const tags = { service: spec.name, ...spec.tags };
    const make = (s: Omit<SeriesSpec, 'tags'>) =>
      new SeriesBuilder({ ...s, tags }, this.start, this.now, this.rng.fork(`series/${s.metric}/${spec.name}`));
    const svc = new Service(
      spec,
      make({
        metric: 'request_rate',
        unit: 'req/s',
        base: spec.rps,
        diurnal: spec.diurnal ?? 0.25,
        jitter: 0.04,
        drift: 0.01,
        decimals: 1,
      }),
      make({
        metric: 'error_rate',
        unit: '%',
        base: spec.errorPct,
        jitter: 0.3,
        blips: { perHour: 0.4, factor: [2, 3.5] },
        decimals: 2,
        max: 100,
      }),
      make({
        metric: 'latency_p95_ms',
        unit: 'ms',
        base: spec.p95,
        diurnal: 0.08,
        jitter: 0.07,
        blips: { perHour: 0.5, factor: [1.3, 1.8] },
        decimals: 0,
      }),
      make({ metric: 'cpu_usage', unit: '%', base: spec.cpu ?? 35, diurnal: 0.2, jitter: 0.05, drift: 0.01, decimals: 1, max: 100 }),
      this.rng.fork(`logs/${spec.name}`),
      { start: this.start, end: this.now },
    );
    this.services.set(spec.name, svc);
    return svc;
  }

  /** A log-only source such as Kubernetes events: plain lines, no metrics, no git history. */
  logSource(name: string, format: ServiceSpec['format'] = 'plain'): Service {
    return this.service({
      name,
      lang: 'go',
      format,
      rps: 1,
      p95: 1,
      errorPct: 0,
      accessPerMin: 0,
      components: [],
      version: 'n/a',
      endpoints: [],
      logOnly: true,
    });
  }

  get(name: string): Service {
    const svc = this.services.get(name);
    if (!svc) throw new Error(`no service ${name}`);
    return svc;
  }

  /** A production deploy: the git record, the restart lines in the service's log and the CPU bump of a rollout. */
  deploy(d: Parameters<GitHistory['deploy']>[0]): DeploymentOut {
    const out = this.git.deploy(d);
    const svc = this.services.get(d.service);
    if (svc && (d.environment ?? 'production') === 'production' && d.at >= this.start && d.at <= this.now) {
      restartLines(svc, d.at, d.version, this.rng.fork(`restart/${d.service}/${d.at}`));
      svc.cpu.scale(d.at, 1.4, { ramp: 0, until: d.at + 3 * MINUTE, recover: 2 });
    }
    return out;
  }

  finish(): DatasetFiles {
    const logs: DatasetFiles['logs'] = [];
    for (const svc of this.services.values()) {
      svc.writeTraffic();
      const { spec } = svc;
      const file = spec.file ?? `${spec.name}.log`;
      const skew = spec.clockSkewMs ?? 0;
      // Stable sort: lines with the same millisecond keep the order the scenario wrote them in.
      const events = svc.events.map((e, i) => [e, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]);
      const render = (list: (readonly [LogEvent, number])[]) =>
        `${list.map(([e]) => renderEvent(spec.format, svc.origin, skew ? { ...e, t: e.t + skew } : e)).join('\n')}\n`;
      if (spec.rotateAt !== undefined) {
        const cut = spec.rotateAt;
        logs.push({
          file: `${file}.1${spec.rotateGzip ? '.gz' : ''}`,
          text: render(events.filter(([e]) => e.t < cut)),
          gzip: !!spec.rotateGzip,
        });
        logs.push({ file, text: render(events.filter(([e]) => e.t >= cut)), gzip: false });
      } else {
        logs.push({ file, text: render(events), gzip: false });
      }
    }
    const series = [...this.services.values()]
      .filter((s) => !s.spec.logOnly && s.spec.golden !== false)
      .flatMap((s) => [s.requests, s.errors, s.latency, s.cpu])
      .concat(this.extra);
    const git = this.git.finish();
    return {
      meta: { name: this.opts.name, description: this.opts.description, now: iso(this.now) },
      logs,
      commits: git.commits,
      deployments: git.deployments,
      metrics: { series: series.map((s) => s.build()) },
    };
  }
}

function restartLines(svc: Service, at: number, version: string, rng: Rng): void {
  const s = (n: number) => at + Math.round(n * SECOND);
  const { lang, name } = svc.spec;
  if (lang === 'java') {
    const app = `${pascal(name.replace(/-(service|api|worker)$/, ''))}Application`;
    svc.log(s(1), {
      level: 'info',
      logger: 'org.springframework.boot.web.embedded.tomcat.GracefulShutdown',
      msg: 'Commencing graceful shutdown. Waiting for active requests to complete',
    });
    svc.log(s(4), {
      level: 'info',
      logger: 'org.springframework.boot.web.embedded.tomcat.GracefulShutdown',
      msg: 'Graceful shutdown complete',
    });
    svc.log(s(21), {
      level: 'info',
      logger: svc.logger(app),
      msg: `Starting ${app} v${version.replace(/^v/, '')} using Java 17.0.10 with PID 1`,
    });
    svc.log(s(29), {
      level: 'info',
      logger: 'org.springframework.boot.web.embedded.tomcat.TomcatWebServer',
      msg: "Tomcat started on port 8080 (http) with context path ''",
    });
    const took = rng.float(8, 14);
    svc.log(s(30), {
      level: 'info',
      logger: svc.logger(app),
      msg: `Started ${app} in ${took.toFixed(3)} seconds (process running for ${(took + 0.8).toFixed(3)})`,
    });
  } else if (lang === 'node') {
    svc.log(s(1), { level: 'info', msg: 'received SIGTERM, closing server' });
    svc.log(s(12), { level: 'info', msg: 'server listening', fields: { port: 8080, version, node: 'v20.11.1' } });
  } else if (lang === 'go') {
    svc.log(s(1), { level: 'info', msg: 'shutting down', fields: { signal: 'terminated' } });
    svc.log(s(6), { level: 'info', msg: 'starting', fields: { version, go: 'go1.22.1' } });
    svc.log(s(6.2), { level: 'info', msg: 'listening', fields: { addr: ':8080' } });
  } else {
    svc.log(s(1), { level: 'info', logger: 'uvicorn.error', msg: 'Shutting down' });
    svc.log(s(9), { level: 'info', logger: 'uvicorn.error', msg: `Started server process [${rng.int(7, 40)}]` });
    svc.log(s(10), { level: 'info', logger: 'app.main', msg: `${name} ${version} starting`, fields: { env: 'production' } });
    svc.log(s(11), { level: 'info', logger: 'uvicorn.error', msg: 'Application startup complete.' });
  }
}
