import { z } from 'zod';
import { CLIMB_LOOKBACK_DAYS } from './analysis/climb-start.js';

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
  total: z.number().int().optional().describe('series that matched, of which `metrics` holds the first `limit`'),
  backend: z.enum(['dataset', 'prometheus', 'none']).optional(),
  note: z.string().optional(),
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
  minAt: z.string().nullable().optional().describe('ISO time of the raw minimum'),
  maxAt: z.string().nullable().optional().describe('ISO time of the raw maximum (a short spike a bucket average hides)'),
});

export const GetMetricsOutput = z.object({
  series: z.array(SeriesSchema),
  total: z.number().int().optional().describe('series that matched, of which `series` holds the first `limit`'),
  window: z.object({ start: z.string(), end: z.string() }).optional(),
  note: z.string().optional(),
});

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
  shape: z.enum(['sharp', 'gradual']).optional().describe('sharp: a step change; gradual: a ramp or slow swing'),
  recovered: z.boolean().optional().describe('the series came back into its baseline band before the window ended'),
  baselineFrom: z.enum(['preceding', 'early-window']).optional().describe('where the baseline came from'),
  exhaustion: z
    .object({
      limit: z.number().nullable().describe('the bound it fills toward; null for an age, lag or backlog that has none'),
      limitFrom: z
        .enum(['unit', 'series', 'none'])
        .optional()
        .describe('where the limit came from: the unit (percent, ratio), a paired limit/max/size series, or none (growth alone)'),
      usedShare: z.number().nullable().describe('last used amount / limit; null without a limit'),
      perHour: z.number().describe('change per hour, in the series unit (negative for a series of what is left)'),
      hoursLeft: z.number().nullable().describe('hours until the limit at that pace; null without a limit'),
      climbStart: z
        .string()
        .nullable()
        .optional()
        .describe(
          `ISO time the straight climb began, from up to ${CLIMB_LOOKBACK_DAYS} days of history; null when it already climbed at the start of that history`,
        ),
    })
    .optional()
    .describe('set when the series climbs steadily toward its limit (slow exhaustion), with or without a sharp onset'),
});
export type AnomalyOut = z.infer<typeof AnomalySchema>;

export const GetAnomaliesOutput = z.object({
  anomalies: z.array(AnomalySchema).describe('ranked, most severe first'),
  seriesScanned: z.number().int(),
  total: z.number().int().optional().describe('anomalies found at or above minSeverity, of which `anomalies` holds the first `limit`'),
  window: z.object({ start: z.string(), end: z.string() }).optional(),
  baselineWindow: z.object({ start: z.string(), end: z.string() }).optional().describe('the preceding period offered as baseline'),
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
  peakAt: z.string().nullable().optional(),
  tags: TagsSchema.optional(),
});

export const GetErrorRatesOutput = z.object({
  services: z.array(ErrorRateSchema),
  baselineWindow: z.object({ start: z.string(), end: z.string() }),
  currentWindow: z.object({ start: z.string(), end: z.string() }),
});
