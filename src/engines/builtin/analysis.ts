import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { MissingSource } from '../../report/completeness.js';
import type { Confidence, RunbookRef } from '../../report/schema.js';
import type { Cascade } from './cascade.js';
import type { Change, ScoredChange } from './changes.js';
import type { ClassMatch } from './classes.js';
import type { Concentration } from './concentration.js';
import type { Cited, ErrorRate } from './facts.js';
import type { Hypothesis } from './hypotheses.js';
import type { InfraLink } from './infra.js';
import type { QuietCheck } from './quiet.js';
import type { Sustain } from './sustain.js';
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
  /** Configured sources that never answered: a quiet verdict then reads "incomplete", never an all-clear. */
  incomplete?: MissingSource[];
  /** Set when nothing is abnormal: what was checked, for the report to say so. */
  quiet?: QuietCheck;
  /** The newest change in a quiet period, to say why it is not named. */
  recentChange?: Change | undefined;
  /** Symptoms confined to some values of a dimension (region, zone, cluster, version). */
  concentration?: Concentration;
  /** A resource of an affected service filling up slowly toward its limit. */
  exhaustion?: Cited<AnomalyOut>;
  /** Untagged infrastructure linked to the failing service through a shared zone, node or instance. */
  infra?: InfraLink;
  /** A first anomaly that ended while the failure goes on, and what sustains it. */
  sustain?: Sustain;
  /** A caller whose calls to a saturated dependency jumped. */
  cascade?: Cascade;
  /** The team's runbook that fits what was found, with the call that returned its steps. */
  runbook?: RunbookRef;
  /** What the system's own state shows about the suspect (a failed rollout, OOM kills under a lowered limit). */
  stateNote?: string;
  /** Which call each commit came from, so commit evidence cites the right output. */
  commitCalls?: Map<string, string>;
}
