import type { AnomalyOut } from '../schemas.js';

/**
 * What the detector finds, in its own module below both the detector (anomalies.ts) and the exhaustion rules that
 * refine its findings (exhaustion.ts), so neither imports the other for it.
 */
export type Severity = AnomalyOut['severity'];
export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export type Anomaly = AnomalyOut & Required<Pick<AnomalyOut, 'shape' | 'recovered' | 'baselineFrom'>>;
