import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetDirs, loadDataset, REPO } from './dataset-files.js';
import { type Entry, parseFile } from './log-lines.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The metrics conventions the metrics server relies on (docs/datasets.md). */
const UNITS: Record<string, string> = {
  error_rate: '%',
  latency_p95_ms: 'ms',
  request_rate: 'req/s',
  cpu_usage: '%',
  disk_used_percent: '%',
};

function dirSize(dir: string): number {
  const abs = path.join(REPO, dir);
  let total = 0;
  // A case served through the fake GitHub keeps its history under github/ instead of git/ (docs/git.md).
  const history = existsSync(path.join(abs, 'github'))
    ? readdirSync(path.join(abs, 'github')).map((file) => `github/${file}`)
    : ['git/commits.json', 'git/deployments.json'];
  for (const sub of ['dataset.json', ...history, 'metrics/metrics.json']) total += statSync(path.join(abs, sub)).size;
  for (const file of loadDataset(dir).logs.keys()) total += statSync(path.join(abs, 'logs', file)).size;
  return total;
}

const dirs = datasetDirs();

describe('dataset inventory', () => {
  it('has the three samples and at least ten eval-only datasets', () => {
    expect(dirs.filter((d) => d.startsWith('data/'))).toEqual(['data/checkout-outage', 'data/memory-leak', 'data/upstream-slowdown']);
    expect(dirs.filter((d) => d.startsWith('test/evals/')).length).toBeGreaterThanOrEqual(10);
  });
});

describe.each(dirs)('%s', (dir) => {
  const ds = loadDataset(dir);
  const now = Date.parse(ds.meta.now);
  const entries: Entry[] = [...ds.logs].flatMap(([file, text]) => parseFile(file, text, new Date(ds.meta.now).getUTCFullYear()));

  it('stays under 5 MB on disk', () => {
    expect(dirSize(dir)).toBeLessThan(5 * 1024 * 1024);
  });

  it('has thousands of log entries in several formats, none after "now"', () => {
    expect(entries.length).toBeGreaterThanOrEqual(3000);
    expect(entries.length).toBeLessThanOrEqual(15000);
    expect(new Set(entries.map((e) => e.format)).size).toBeGreaterThanOrEqual(3);
    expect(entries.filter((e) => e.time > now + MINUTE)).toEqual([]);
    expect(ds.logs.size).toBeGreaterThanOrEqual(4);
  });

  it('keeps every log file in time order with one format per file', () => {
    for (const [file, text] of ds.logs) {
      const own = parseFile(file, text, new Date(ds.meta.now).getUTCFullYear());
      // An ingress container's output mixes nginx's (or Envoy's) access and error logs: one program, one family.
      expect(new Set(own.map((e) => e.format.replace(/^nginx-.*/, 'nginx').replace(/^envoy-app$/, 'envoy'))).size, file).toBe(1);
      const disorder = own.findIndex((e, i) => i > 0 && e.time < own[i - 1]!.time);
      expect(disorder, `${file} entry ${disorder}`).toBe(-1);
    }
  });

  it('has ordinary WARN and ERROR noise in the first hour, long before any incident', () => {
    const first = Math.min(...entries.map((e) => e.time));
    const early = entries.filter((e) => e.time < first + HOUR);
    expect(early.filter((e) => e.level === 'warn').length).toBeGreaterThanOrEqual(3);
    expect(early.filter((e) => e.level === 'error' || e.level === 'fatal').length).toBeGreaterThanOrEqual(1);
  });

  it('has 1-minute series over 3.5-12 hours ending at "now" (after at most a week of coarser, regular history)', () => {
    for (const s of ds.series) {
      const label = `${s.metric}${JSON.stringify(s.tags)}`;
      const all = s.points.map(([t]) => Date.parse(t));
      // What a TSDB kept of the days before (a slow climb's start): one regular coarser step, then the 1-minute window.
      let tail = all.length - 1;
      while (tail > 0 && all[tail]! - all[tail - 1]! === MINUTE) tail--;
      const history = all.slice(0, tail + 1);
      const step = history.length > 1 ? history[1]! - history[0]! : 0;
      expect(
        // The last gap, into the window, may be shorter than the step.
        history.every((t, i) => i === 0 || t - history[i - 1]! === step || (i === history.length - 1 && t - history[i - 1]! < step)),
        `${label} history`,
      ).toBe(true);
      expect(all.at(-1)! - all[0]!, label).toBeLessThanOrEqual(8 * 24 * HOUR);
      const times = all.slice(tail);
      expect(
        times.every((t, i) => i === 0 || t - times[i - 1]! === MINUTE),
        label,
      ).toBe(true);
      const span = times.at(-1)! - times[0]!;
      // Some datasets cover less than the question's window on purpose: baselines must use what the data covers.
      expect(span, label).toBeGreaterThanOrEqual(3.5 * HOUR);
      expect(span, label).toBeLessThanOrEqual(12 * HOUR);
      expect(Math.abs(times.at(-1)! - now), label).toBeLessThanOrEqual(MINUTE);
      if (UNITS[s.metric]) expect(s.unit, label).toBe(UNITS[s.metric]);
      if (s.metric === 'disk_used_percent') expect(s.tags.host, label).toBeDefined();
      if (s.metric === 'upstream_latency_ms') expect(s.tags.upstream, label).toBeDefined();
    }
  });

  it('has the golden signals for every service that logs traffic', () => {
    // Golden series carry `service`; per-zone slices under another identity label (`app`) come on top of them.
    const services = new Set(ds.series.filter((s) => s.metric === 'error_rate' && s.tags.service !== undefined).map((s) => s.tags.service));
    expect(services.size).toBeGreaterThanOrEqual(4);
    for (const svc of services) {
      for (const metric of ['request_rate', 'latency_p95_ms']) {
        expect(
          ds.series.some((s) => s.metric === metric && s.tags.service === svc),
          `${metric} ${svc}`,
        ).toBe(true);
      }
    }
  });

  it('has a git history over several days whose deployments reference existing commits', () => {
    const shas = new Set(ds.commits.map((c) => c.sha));
    expect(shas.size).toBe(ds.commits.length);
    expect(new Set(ds.deployments.map((d) => d.id)).size).toBe(ds.deployments.length);
    for (const d of ds.deployments) for (const sha of d.commits ?? []) expect(shas.has(sha), `${d.id} → ${sha}`).toBe(true);
    const dates = ds.commits.map((c) => Date.parse(c.date));
    expect(Math.max(...dates) - Math.min(...dates)).toBeGreaterThan(3 * 24 * HOUR);
    expect(ds.deployments.filter((d) => d.environment.startsWith('production')).length).toBeGreaterThanOrEqual(5);
    expect(dates.every((t) => t <= now)).toBe(true);
    expect(ds.deployments.every((d) => Date.parse(d.deployed_at) <= now)).toBe(true);
  });
});
