import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { ScoredChange } from './changes.js';

/** One-line descriptions shared by the report's evidence and its narrative. */

export function describeAnomaly(anomaly: AnomalyOut): string {
  const tags = Object.entries(anomaly.tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const unit = anomaly.unit ? ` ${anomaly.unit}` : '';
  return `${anomaly.metric}${tags ? `{${tags}}` : ''} ${anomaly.kind} ${anomaly.direction}: ${round(anomaly.baseline)} → ${round(anomaly.peak)}${unit} (${anomaly.severity})`;
}

export function round(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}

export function describeChange(scored: ScoredChange): string {
  const change = scored.change;
  const head =
    change.kind === 'deployment'
      ? `deployment ${change.id}${change.version ? ` (${change.version})` : ''}`
      : change.live
        ? `${change.kind} change ${change.id} (seen in the logs)`
        : `${change.kind} ${/^[0-9a-f]{8,}$/i.test(change.id) ? change.id.slice(0, 7) : change.id}`;
  return `${head}${change.service ? ` of ${change.service}` : ''}`;
}

export function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim().length > 0) ?? '').trim();
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
