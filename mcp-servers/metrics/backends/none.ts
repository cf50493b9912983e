import type { MetricInfo, MetricsBackend, RateSeries, Series } from '../types.js';

/**
 * No metrics configured while other servers read live systems: emptyReason makes every tool answer "no metrics" with
 * the reason, never an error, so a report does not count metrics as a source that failed. "now" is the wall clock.
 */
export class NoneBackend implements MetricsBackend {
  readonly kind = 'none';
  readonly label: string;

  constructor(private readonly reason: string) {
    this.label = reason;
  }

  async now(): Promise<Date> {
    return new Date();
  }

  async emptyReason(): Promise<string> {
    return this.reason;
  }

  async listMetrics(): Promise<{ metrics: MetricInfo[]; note: string }> {
    return { metrics: [], note: this.reason };
  }

  async getSeries(): Promise<{ series: Series[]; note: string }> {
    return { series: [], note: this.reason };
  }

  async anomalySeries(): Promise<Series[]> {
    return [];
  }

  async errorRateSeries(): Promise<RateSeries[]> {
    return [];
  }

  async knownServices(): Promise<string[]> {
    return [];
  }
}
