import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readDatasetMeta, readJsonFile, resolveNow } from '../../shared/dataset.js';
import { ToolInputError } from '../../shared/tool-result.js';
import { isCumulative, toRate } from '../analysis/counters.js';
import { closestNames, formatTags, serviceOf } from '../analysis/naming.js';
import type { AnomalyRequest, MetricInfo, MetricsBackend, Point, RateSeries, Series, SeriesRequest, Tags, TimeRange } from '../types.js';
import { errorRateSeriesFrom } from './dataset-error-rates.js';

/** DATA_DIR/metrics/metrics.json: the dataset format the README documents. */
export const MetricsFileSchema = z.object({
  series: z.array(
    z.object({
      metric: z.string().min(1),
      tags: z.record(z.string(), z.string()).optional(),
      unit: z.string().optional(),
      points: z.array(z.tuple([z.string(), z.number().nullable()])),
    }),
  ),
});

export class DatasetBackend implements MetricsBackend {
  readonly kind = 'dataset' as const;
  readonly label: string;
  private readonly file: string;
  private cache: { key: string; series: Series[] } | undefined;

  constructor(private readonly dataDir: string) {
    this.file = path.join(dataDir, 'metrics', 'metrics.json');
    this.label = `dataset ${dataDir}`;
  }

  /** Parsed series, re-read only when the file changes so a long-lived server sees edits. */
  private load(): Series[] {
    if (!existsSync(this.file)) return [];
    const stat = statSync(this.file);
    const key = `${stat.mtimeMs}:${stat.size}`;
    if (this.cache?.key === key) return this.cache.series;
    const parsed = readJsonFile(this.file, MetricsFileSchema);
    const series = parsed.series.map((s, index) => ({
      metric: s.metric,
      tags: s.tags ?? {},
      unit: s.unit ?? null,
      points: toPoints(s.points, this.file, index),
    }));
    this.cache = { key, series };
    return series;
  }

  async now(): Promise<Date> {
    let newest: number | undefined;
    for (const s of this.load()) {
      const last = s.points[s.points.length - 1];
      if (last && (newest === undefined || last[0] > newest)) newest = last[0];
    }
    return resolveNow(readDatasetMeta(this.dataDir), newest);
  }

  async emptyReason(): Promise<string | undefined> {
    if (!existsSync(this.file)) return `the dataset at ${this.dataDir} has no metrics (no metrics/metrics.json)`;
    if (this.load().length === 0) return `the dataset at ${this.dataDir} has no metric series (metrics/metrics.json lists none)`;
    return undefined;
  }

  async listMetrics(filter: string | undefined): Promise<{ metrics: MetricInfo[] }> {
    const needle = filter?.toLowerCase();
    const metrics = this.load()
      .filter((s) => !needle || `${s.metric}${formatTags(s.tags)}`.toLowerCase().includes(needle))
      .map((s) => ({
        metric: s.metric,
        tags: s.tags,
        unit: s.unit,
        points: s.points.length,
        start: s.points[0] ? new Date(s.points[0][0]).toISOString() : null,
        end: s.points.length > 0 ? new Date(s.points[s.points.length - 1]![0]).toISOString() : null,
      }));
    return { metrics };
  }

  async getSeries(request: SeriesRequest): Promise<{ series: Series[] }> {
    if (request.query !== undefined) {
      throw new ToolInputError(
        'a raw PromQL `query` needs the Prometheus backend, but this server reads a dataset',
        'pass `metric` (and `tags`) instead, or set PROMETHEUS_URL to query Prometheus',
      );
    }
    const named = this.byMetric(request.metric ?? '');
    const matching = named.filter((s) => hasTags(s.tags, request.tags));
    if (matching.length === 0) {
      const tagSets = named.map((s) => formatTags(s.tags) || '{}').slice(0, 20);
      throw new ToolInputError(
        `no ${request.metric} series has tags ${formatTags(request.tags)}`,
        `its series carry: ${tagSets.join(' ')}; drop or fix the tags filter`,
      );
    }
    const { since, until } = request.range;
    return { series: matching.map((s) => ({ ...s, points: s.points.filter(([t]) => t >= since.getTime() && t <= until.getTime()) })) };
  }

  async anomalySeries(request: AnomalyRequest): Promise<Series[]> {
    const all = request.metric ? this.byMetric(request.metric) : this.load();
    const from = request.baselineFrom.getTime();
    const to = request.range.until.getTime();
    return all
      .filter((s) => !request.service || sameService(serviceOf(s.metric, s.tags), request.service))
      .map((s) => asGauge(s))
      .map((s) => ({ ...s, points: s.points.filter(([t]) => t >= from && t <= to) }));
  }

  async errorRateSeries(range: TimeRange, service: string | undefined): Promise<RateSeries[]> {
    const rates = errorRateSeriesFrom(this.load());
    const from = range.since.getTime();
    const to = range.until.getTime();
    return rates
      .filter((r) => !service || sameService(r.service, service))
      .map((r) => ({ ...r, points: r.points.filter(([t]) => t >= from && t <= to) }));
  }

  async knownServices(): Promise<string[]> {
    const names = new Set<string>();
    for (const s of this.load()) {
      const service = serviceOf(s.metric, s.tags);
      if (service) names.add(service);
    }
    return [...names].sort();
  }

  private byMetric(metric: string): Series[] {
    const all = this.load();
    let found = all.filter((s) => s.metric === metric);
    if (found.length === 0) found = all.filter((s) => s.metric.toLowerCase() === metric.toLowerCase());
    if (found.length === 0) {
      throw new ToolInputError(
        `unknown metric ${metric}; known: ${closestNames(
          metric,
          all.map((s) => s.metric),
        )}`,
        'call list_metrics to see every series',
      );
    }
    return found;
  }
}

function toPoints(raw: Array<[string, number | null]>, file: string, index: number): Point[] {
  const points: Point[] = [];
  for (const [time, value] of raw) {
    const t = Date.parse(time);
    if (Number.isNaN(t)) {
      throw new ToolInputError(
        `${file}: series[${index}] has a point with time "${time}", which is not ISO-8601`,
        'fix the file and call again',
      );
    }
    if (value !== null && Number.isFinite(value)) points.push([t, value]);
  }
  return points.sort((a, b) => a[0] - b[0]);
}

export function hasTags(tags: Tags, wanted: Tags): boolean {
  return Object.entries(wanted).every(([k, v]) => tags[k] === v);
}

export function sameService(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}

/** Counters become per-second rates: a counter's steady climb is not an anomaly, a change in its rate is. */
function asGauge(s: Series): Series {
  if (!isCumulative(s.metric, s.points)) return s;
  return { ...s, unit: s.unit ? `${s.unit}/s` : '/s', points: toRate(s.points) };
}
