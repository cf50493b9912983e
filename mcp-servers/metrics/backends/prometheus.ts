import { readDatasetMeta } from '../../shared/dataset.js';
import { ToolInputError } from '../../shared/tool-result.js';
import { closestNames, formatTags } from '../analysis/naming.js';
import { workloadOfPod } from '../analysis/semantics.js';
import type { PrometheusConfig } from '../config.js';
import type { AnomalyRequest, MetricInfo, MetricsBackend, RateSeries, Series, SeriesRequest, TimeRange } from '../types.js';
import { PrometheusClient, type PromSeries } from './prometheus-client.js';
import { errorRates, fetchCounts, identityLabels, requestRates } from './prometheus-outcomes.js';
import {
  anomalyQueries,
  type Conventions,
  errorRateQuery,
  escapeRegex,
  isCounterName,
  queryForMetric,
  REQUESTS_METRIC,
  selector,
  unitFromName,
} from './promql.js';

/** Metric names are re-read after this long, so new metrics appear without a restart. */
const NAMES_TTL_MS = 60_000;
/** list_metrics asks for per-series labels only up to this many series (one cheap /api/v1/series call). */
export const SERIES_LISTING_LIMIT = 1_000;
/** …of series active this far back from now: about the span an incident investigation looks at. */
const SERIES_LISTING_LOOKBACK_MS = 6 * 3_600_000;
/** get_metrics fetches this many times the points it keeps, then bucket-averages, so short peaks still move the average. */
const FETCH_FACTOR = 4;
/** get_anomalies looks at about this many steps per series over baseline + window. */
const ANOMALY_STEPS = 360;
const ERROR_RATE_STEPS = 240;
/** rate()[5m] needs a couple of scrapes; a finer step than this only repeats them. */
const MIN_STEP_SECONDS = 15;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class PrometheusBackend implements MetricsBackend {
  readonly kind = 'prometheus' as const;
  readonly label: string;
  private names: { at: number; values: string[] } | undefined;

  constructor(
    private readonly config: PrometheusConfig,
    private readonly client = new PrometheusClient(config),
  ) {
    this.label = `Prometheus at ${config.url}`;
  }

  async now(): Promise<Date> {
    const meta = this.config.replayDataDir ? readDatasetMeta(this.config.replayDataDir) : undefined;
    return meta?.now ? new Date(meta.now) : new Date();
  }

  async emptyReason(): Promise<string | undefined> {
    return (await this.metricNames()).length === 0 ? `${this.label} has no metrics yet (no metric names)` : undefined;
  }

  async listMetrics(filter: string | undefined): Promise<{ metrics: MetricInfo[]; note: string }> {
    const names = (await this.metricNames()).filter((n) => !filter || n.toLowerCase().includes(filter.toLowerCase()));
    const units = await this.units();
    const now = await this.now();
    const match = filter ? `{__name__=~"(?i).*${escapeRegex(filter)}.*"}` : '{__name__=~".+"}';
    const labelSets =
      names.length === 0
        ? []
        : await this.client.series(match, new Date(now.getTime() - SERIES_LISTING_LOOKBACK_MS), now, SERIES_LISTING_LIMIT + 1);
    const info = (metric: string, tags: Record<string, string>): MetricInfo => ({
      metric,
      tags,
      unit: units.get(metric) ?? unitFromName(metric),
      points: 0,
      start: null,
      end: null,
    });
    const replay = this.config.replayDataDir && readDatasetMeta(this.config.replayDataDir)?.now;
    const replayNote = replay ? `; now comes from ${this.config.replayDataDir}/dataset.json (a replay), unset DATA_DIR for live time` : '';
    if (labelSets.length > 0 && labelSets.length <= SERIES_LISTING_LIMIT) {
      const metrics = labelSets
        .map(({ __name__: name, ...tags }) => info(name ?? '', tags))
        .filter((m) => m.metric !== '')
        .sort((a, b) => a.metric.localeCompare(b.metric) || formatTags(a.tags).localeCompare(formatTags(b.tags)));
      return {
        metrics,
        note: `series active in the 6 hours before now; point counts and time spans are not listed (get_metrics fetches them)${replayNote}`,
      };
    }
    return {
      metrics: names.map((n) => info(n, {})),
      note: `metric names only (too many series, or none active in the 6 hours before now, to list labels); get_metrics shows the series${replayNote}`,
    };
  }

  async getSeries(request: SeriesRequest): Promise<{ series: Series[]; note?: string }> {
    const { since, until } = request.range;
    const step = stepFor(request.range, request.maxPoints * FETCH_FACTOR);
    if (request.query !== undefined) {
      if (!this.config.allowRawQuery) {
        throw new ToolInputError(
          'raw PromQL `query` is disabled on this server',
          'pass `metric` (and `tags`) as list_metrics shows them; an operator can allow raw queries with PROMETHEUS_ALLOW_RAW_QUERY=true',
        );
      }
      const result = await this.client.rangeQuery(request.query, since, until, step);
      return { series: result.map((r) => toSeries(r, r.labels.__name__ ?? request.query!, null)) };
    }
    const metric = request.metric ?? '';
    await this.assertKnownMetric(metric);
    for (const key of Object.keys(request.tags)) {
      if (!LABEL_NAME.test(key)) throw new ToolInputError(`tag "${key}" is not a Prometheus label name`, 'use letters, digits and _');
    }
    const result = await this.client.rangeQuery(selector(metric, request.tags), since, until, step);
    if (result.length === 0 && Object.keys(request.tags).length > 0) {
      throw new ToolInputError(
        `no ${metric} series has tags ${formatTags(request.tags)} between ${since.toISOString()} and ${until.toISOString()}`,
        'drop or fix the tags filter, or widen the window',
      );
    }
    const note = isCounterName(metric)
      ? `${metric} is a counter (raw cumulative values); for a per-second rate pass query "rate(${metric}[5m])"`
      : undefined;
    return { series: result.map((r) => toSeries(r, metric, unitFromName(metric))), ...(note ? { note } : {}) };
  }

  async anomalySeries(request: AnomalyRequest): Promise<Series[]> {
    const conventions = await this.conventions();
    let queries = anomalyQueries(this.config, conventions);
    if (request.metric) {
      const named = queries.filter((q) => q.name === request.metric);
      if (named.length > 0) queries = named;
      else {
        const names = await this.metricNames();
        if (!names.includes(request.metric)) {
          throw new ToolInputError(
            `unknown metric ${request.metric}; known: ${closestNames(request.metric, [...queries.map((q) => q.name), ...names])}`,
            'pass one of the anomaly query names or a metric name from list_metrics',
          );
        }
        queries = [queryForMetric(request.metric)];
      }
    }
    const range = { since: request.baselineFrom, until: request.range.until };
    const step = stepFor(range, ANOMALY_STEPS);
    const out: Series[] = [];
    // Without overrides, error and request rates come from the outcome labels of every count metric (one fetch).
    let counts: Series[] | undefined;
    const fromCounts = async (name: string): Promise<Series[] | undefined> => {
      if (this.config.anomalyQueries) return undefined;
      if (name === 'error_rate' && this.config.errorRateQuery) return undefined;
      if (name !== 'error_rate' && name !== 'request_rate') return undefined;
      counts ??= await fetchCounts(this.client, await this.metricNames(), this.config.serviceLabel, range, step);
      return name === 'request_rate'
        ? requestRates(counts)
        : errorRates(counts).map((r) => ({
            metric: name,
            tags: { service: r.service },
            unit: 'ratio',
            service: r.service,
            points: r.points,
          }));
    };
    for (const q of queries) {
      const derived = await fromCounts(q.name);
      if (derived) {
        out.push(...derived.filter((s) => !request.service || s.service?.toLowerCase() === request.service.toLowerCase()));
        continue;
      }
      const result = await this.client.rangeQuery(q.query, range.since, range.until, step);
      for (const r of result) {
        const s = toSeries(r, q.name, q.unit ?? null);
        const service = this.serviceFromLabels(r.labels, conventions);
        if (request.service && service?.toLowerCase() !== request.service.toLowerCase()) continue;
        out.push(service ? { ...s, service } : s);
      }
    }
    return out;
  }

  async errorRateSeries(range: TimeRange, service: string | undefined): Promise<RateSeries[]> {
    const step = stepFor(range, ERROR_RATE_STEPS);
    const keep = (r: RateSeries) => !service || r.service.toLowerCase() === service.toLowerCase();
    if (!this.config.errorRateQuery) {
      // The documented outcome rules, as for a dataset: server-error slices ÷ all slices, else errors ÷ requests.
      return errorRates(await fetchCounts(this.client, await this.metricNames(), this.config.serviceLabel, range, step)).filter(keep);
    }
    const conventions = await this.conventions();
    const result = await this.client.rangeQuery(errorRateQuery(this.config, conventions), range.since, range.until, step);
    return result
      .map((r) => ({
        service: this.serviceFromLabels(r.labels, conventions) ?? (formatTags(r.labels) || '(all)'),
        metric: 'PROMQL_ERROR_RATE',
        tags: r.labels,
        unit: 'ratio' as const,
        points: r.points,
      }))
      .filter(keep);
  }

  /** Values of every identity label (pods as their workloads), for the unknown-service hint. */
  async knownServices(): Promise<string[]> {
    const known = new Set<string>();
    for (const label of identityLabels(this.config.serviceLabel)) {
      const values = await this.client.labelValues(label);
      for (const value of values) known.add(label === 'pod' || label === 'pod_name' ? workloadOfPod(value) : value);
    }
    return [...known].sort();
  }

  private serviceFromLabels(labels: Record<string, string>, conventions: Conventions): string | undefined {
    return labels[conventions.serviceLabel] ?? labels[this.config.serviceLabel] ?? labels.job;
  }

  /** Which labels the requests metric really carries: `service` or `job`, `code` or `status`. */
  private async conventions(): Promise<Conventions> {
    const labels = new Set(await this.client.labelNames(REQUESTS_METRIC));
    const serviceLabel = labels.size === 0 || labels.has(this.config.serviceLabel) ? this.config.serviceLabel : 'job';
    const statusLabel = !labels.has('code') && labels.has('status') ? 'status' : 'code';
    return { serviceLabel, statusLabel };
  }

  private async metricNames(): Promise<string[]> {
    if (this.names && Date.now() - this.names.at < NAMES_TTL_MS) return this.names.values;
    const values = (await this.client.labelValues('__name__')).sort();
    this.names = { at: Date.now(), values };
    return values;
  }

  private async assertKnownMetric(metric: string): Promise<void> {
    const names = await this.metricNames();
    if (names.includes(metric)) return;
    throw new ToolInputError(
      `unknown metric ${metric}; known: ${closestNames(metric, names)}`,
      this.config.allowRawQuery ? 'call list_metrics, or pass a PromQL expression as `query`' : 'call list_metrics for the known names',
    );
  }

  /** Units from metric metadata where Prometheus has it (scraped targets); backfilled data has none. */
  private async units(): Promise<Map<string, string>> {
    const units = new Map<string, string>();
    try {
      for (const [name, entries] of Object.entries(await this.client.metadata())) {
        const unit = entries.find((e) => e.unit)?.unit;
        if (unit) units.set(name, unit);
      }
    } catch {
      // Metadata is a nicety; names alone still answer list_metrics.
    }
    return units;
  }
}

function stepFor(range: TimeRange, points: number): number {
  const seconds = (range.until.getTime() - range.since.getTime()) / 1000;
  return Math.max(MIN_STEP_SECONDS, Math.ceil(seconds / Math.max(1, points)));
}

function toSeries(r: PromSeries, metric: string, unit: string | null): Series {
  const { __name__: _name, ...tags } = r.labels;
  return { metric, tags, unit, points: r.points };
}
