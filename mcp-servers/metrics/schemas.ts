import { z } from 'zod';

/** The structuredContent contract of the metrics server's tools (see logs/schemas.ts for the rule on changes). */

export const TagsSchema = z.record(z.string(), z.string());

export const MetricInfoSchema = z.object({
  metric: z.string(),
  tags: TagsSchema,
  unit: z.string().nullable(),
  points: z.number().int(),
  start: z.string().nullable(),
  end: z.string().nullable(),
});

export const ListMetricsOutput = z.object({
  metrics: z.array(MetricInfoSchema),
  now: z.string(),
});

export const SeriesSchema = z.object({
  metric: z.string(),
  tags: TagsSchema,
  unit: z.string().nullable(),
  points: z.array(z.tuple([z.string(), z.number()])).describe('[ISO time, value], at most ~120, downsampled'),
  min: z.number().nullable(),
  max: z.number().nullable(),
  avg: z.number().nullable(),
  count: z.number().int().describe('raw points in the window before downsampling'),
  downsampled: z.boolean(),
});

export const GetMetricsOutput = z.object({ series: z.array(SeriesSchema) });

export const AnomalySchema = z.object({
  metric: z.string(),
  tags: TagsSchema,
  service: z.string().nullable().describe('tags.service, or the service the metric name implies'),
  unit: z.string().nullable(),
  kind: z.enum(['spike', 'level_shift', 'drop']),
  direction: z.enum(['up', 'down']),
  onset: z.string().describe('ISO time the series left its baseline'),
  peakAt: z.string(),
  baseline: z.number(),
  peak: z.number(),
  ratio: z.number().describe('peak / baseline (Infinity-safe: capped at 1e6)'),
  zScore: z.number(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  score: z.number().describe('ranking score, higher is more anomalous'),
});
export type AnomalyOut = z.infer<typeof AnomalySchema>;

export const GetAnomaliesOutput = z.object({
  anomalies: z.array(AnomalySchema).describe('ranked, most severe first'),
  seriesScanned: z.number().int(),
});

export const ErrorRateSchema = z.object({
  service: z.string(),
  metric: z.string().describe('the series the rate came from'),
  unit: z.string().nullable().describe('"%" or "ratio"'),
  baseline: z.number().nullable(),
  current: z.number().nullable(),
  peak: z.number().nullable(),
  ratio: z.number().nullable().describe('current / baseline'),
  status: z.enum(['ok', 'elevated', 'critical']),
});

export const GetErrorRatesOutput = z.object({
  services: z.array(ErrorRateSchema),
  baselineWindow: z.object({ start: z.string(), end: z.string() }),
  currentWindow: z.object({ start: z.string(), end: z.string() }),
});
