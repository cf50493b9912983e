import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { ScoredChange } from '../../../src/engines/builtin/changes.js';
import type { Symptom } from '../../../src/engines/builtin/symptoms.js';

/** A deployment as the change scorer hands it to the correlator's later rules: linked to its service only. */
export function scoredDeployment(id: string, service: string, at: string, text: string, score: number): ScoredChange {
  return {
    change: { kind: 'deployment', id, service, at, text, files: [], commits: [], declaredCommits: [], callId: 'T2', needles: [] },
    score,
    timeFactor: 1,
    serviceFactor: 1,
    overlap: 0,
    overlapNorm: 0,
    shared: [],
    afterOnset: false,
    touches: [service],
    coverage: 1,
    links: ['service'],
  };
}

/** A log signature new since the onset (none before, 900 after), cited from call T3. */
export function novelSymptom(signature: string, services: string[], example = signature): Symptom {
  return { signature, example, services, before: 0, after: 900, growth: 100, novel: true, score: 5, firstSeen: null, callId: 'T3' };
}

/** A resource running out: a gradual fall of free bytes toward zero, 98% used, two hours left, cited from T1. */
export function exhaustedSeries(
  metric: string,
  options: {
    tags?: Record<string, string>;
    service?: string;
    /** The day of the onset (06:00) and peak (12:00). */
    day?: string;
    /** When the climb began; undefined leaves the field out. */
    climbStart?: string | null;
    extra?: Partial<AnomalyOut>;
  } = {},
): { value: AnomalyOut; callId: string } {
  const { tags = {}, service = 'ingest', day = '2026-01-01', climbStart, extra = {} } = options;
  return {
    value: {
      metric,
      tags,
      service,
      unit: 'bytes',
      kind: 'level_shift',
      direction: 'down',
      onset: `${day}T06:00:00Z`,
      peakAt: `${day}T12:00:00Z`,
      baseline: 40,
      peak: 10,
      ratio: 0.25,
      zScore: 0,
      severity: 'critical',
      score: 290,
      shape: 'gradual',
      recovered: false,
      exhaustion: {
        limit: 500,
        limitFrom: 'series',
        usedShare: 0.98,
        perHour: -5,
        hoursLeft: 2,
        ...(climbStart === undefined ? {} : { climbStart }),
      },
      ...extra,
    },
    callId: 'T1',
  };
}
