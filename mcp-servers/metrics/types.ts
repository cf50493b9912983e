/** Types shared by the metrics backends, the analysis modules and the tools. */

export type Tags = Record<string, string>;

/** [epoch milliseconds, value]; backends hand these over sorted by time with non-finite values removed. */
export type Point = [number, number];

export interface Series {
  metric: string;
  tags: Tags;
  unit: string | null;
  points: Point[];
  /** The service when a backend knows it better than the tags do (a configured Prometheus service label). */
  service?: string;
}

export interface MetricInfo {
  metric: string;
  tags: Tags;
  unit: string | null;
  points: number;
  start: string | null;
  end: string | null;
}

export interface TimeRange {
  since: Date;
  until: Date;
}

/** An error-rate series for one service; values are in `unit` ('%' 0..100 or 'ratio' 0..1). */
export interface RateSeries {
  service: string;
  metric: string;
  tags: Tags;
  unit: '%' | 'ratio';
  points: Point[];
}

export interface SeriesRequest {
  /** A metric name (dataset or Prometheus) … */
  metric?: string;
  /** … or a raw PromQL expression (Prometheus only, explicit opt-in). */
  query?: string;
  tags: Tags;
  range: TimeRange;
  /** How many points the caller will keep; a backend may fetch a few times more and let the tool downsample. */
  maxPoints: number;
}

export interface AnomalyRequest {
  range: TimeRange;
  /** Start of the preceding period the baseline may come from (before range.since). */
  baselineFrom: Date;
  metric?: string;
  service?: string;
}

/**
 * What a metrics source must answer. Tools hold the presentation and the analysis (shared across backends);
 * a backend only finds series. Errors meant for the caller are ToolInputErrors with a hint.
 */
export interface MetricsBackend {
  /** none: nothing configured while other servers read live systems (emptyReason says so). */
  readonly kind: 'dataset' | 'prometheus' | 'none';
  /** For messages: "dataset /path" or "Prometheus at http://host:9090". */
  readonly label: string;
  now(): Promise<Date>;
  /** Plain-language reason when the source holds no metrics at all (the tools then say so instead of failing). */
  emptyReason(): Promise<string | undefined>;
  listMetrics(filter: string | undefined): Promise<{ metrics: MetricInfo[]; note?: string }>;
  getSeries(request: SeriesRequest): Promise<{ series: Series[]; note?: string }>;
  /** Series to scan for anomalies, counters already turned into rates, covering baselineFrom … until. */
  anomalySeries(request: AnomalyRequest): Promise<Series[]>;
  errorRateSeries(range: TimeRange, service: string | undefined): Promise<RateSeries[]>;
  /** Services the source knows, for the "unknown service" hint. */
  knownServices(): Promise<string[]>;
}
