import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Confidence } from '../../report/schema.js';
import type { ScoredChange } from './changes.js';
import type { ClassMatch } from './classes.js';
import type { Cited, ErrorRate } from './facts.js';
import type { Hypothesis } from './hypotheses.js';
import type { Symptom } from './symptoms.js';

/** Everything the correlator concluded, handed to the report and narrative builders. */
export interface Analysis {
  incident: string;
  now: Date;
  windowStart: Date;
  onset: Date;
  onsetAnomaly?: Cited<AnomalyOut>;
  /** A significant anomaly that began shortly before the onset. */
  leadingAnomaly?: Cited<AnomalyOut>;
  primary: string[];
  anomalies: Cited<AnomalyOut>[];
  errorRates: Cited<ErrorRate>[];
  symptoms: Symptom[];
  changes: ScoredChange[];
  classes: ClassMatch[];
  hypotheses: Hypothesis[];
  confidence: Confidence;
  /** Which call each commit came from, so commit evidence cites the right output. */
  commitCalls?: Map<string, string>;
}
