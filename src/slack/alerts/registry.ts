import { createHash } from 'node:crypto';
import { alertmanagerParser } from './alertmanager.js';
import { datadogParser } from './datadog.js';
import { genericParser } from './generic.js';
import { grafanaParser } from './grafana.js';
import { identifyingLabels } from './labels.js';
import { pagerdutyParser } from './pagerduty.js';
import type { AlertMessage, AlertParser, ParsedAlert } from './types.js';

/**
 * Most specific first: Grafana's unified title looks like Alertmanager's, so Grafana (recognised by its
 * footer/markers) goes before it; the generic parser accepts almost anything, so it goes last.
 */
export const ALERT_PARSERS: readonly AlertParser[] = [pagerdutyParser, datadogParser, grafanaParser, alertmanagerParser, genericParser];

export function parseAlert(message: AlertMessage, parsers: readonly AlertParser[] = ALERT_PARSERS): ParsedAlert | undefined {
  for (const parser of parsers) {
    const alert = parser.parse(message);
    if (alert) return alert;
  }
  return undefined;
}

/** Same source, alert name and identifying labels → same fingerprint, whatever the wording around them. */
export function alertFingerprint(alert: ParsedAlert): string {
  const labels = identifyingLabels(alert.labels)
    .map(([key, value]) => `${key.toLowerCase()}=${value}`)
    .join(',');
  return createHash('sha256').update(`${alert.source}\n${alert.alertName.toLowerCase()}\n${labels}`).digest('hex').slice(0, 16);
}

/** What the engine is asked to investigate for an alert. */
export function alertIncident(alert: ParsedAlert): string {
  const labels = identifyingLabels(alert.labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return `${alert.source} alert ${alert.alertName}: ${alert.title}${labels ? ` (${labels})` : ''}`.slice(0, 1000);
}
