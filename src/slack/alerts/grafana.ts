import { fieldsToLabels, parseLabelLines } from './labels.js';
import { findPrometheusTitle, firstWord } from './prometheus-title.js';
import type { AlertParser, AlertStatus } from './types.js';

/** Legacy (pre-unified) Grafana alerting titles: `[Alerting] Name`, `[OK] Name`, `[No Data] Name`. */
const LEGACY_TITLE = /\[(Alerting|OK|No Data|Pending)\]\s*(.+)/i;
/** Unified alerting's default message starts with `**Firing**` / `**Resolved**`. */
const UNIFIED_STATUS = /^\s*\**(Firing|Resolved)\**\s*$/im;

function legacyStatus(word: string): AlertStatus {
  const lower = word.toLowerCase();
  if (lower === 'ok') return 'resolved';
  if (lower === 'alerting' || lower === 'no data') return 'firing';
  return 'other';
}

/** Grafana alerting's Slack contact point, unified (Firing/Resolved) and legacy formats. */
export const grafanaParser: AlertParser = {
  source: 'grafana',
  parse(message) {
    const fromGrafana = /grafana/i.test(message.senderHints) || /grafana/i.test(message.text) || UNIFIED_STATUS.test(message.text);
    if (!fromGrafana) return undefined;
    const labels = { ...fieldsToLabels(message.fields), ...parseLabelLines(message.text) };

    const legacy = LEGACY_TITLE.exec(message.title ?? '') ?? LEGACY_TITLE.exec(message.text);
    if (legacy?.[1] && legacy[2]) {
      const name = legacy[2].trim();
      return {
        source: 'grafana',
        status: legacyStatus(legacy[1]),
        title: legacy[0].trim(),
        alertName: labels.alertname ?? name,
        labels,
        details: message.text,
      };
    }

    const title = findPrometheusTitle(message.title, message.text);
    const unified = UNIFIED_STATUS.exec(message.text);
    if (!title && !unified) return undefined;
    const status: AlertStatus = title ? title.status : unified?.[1]?.toLowerCase() === 'resolved' ? 'resolved' : 'firing';
    const headline = title?.line ?? message.title ?? labels.alertname ?? 'Grafana alert';
    return {
      source: 'grafana',
      status,
      title: headline,
      alertName: labels.alertname ?? (title ? firstWord(title.rest) : '') ?? headline,
      labels,
      details: message.text,
    };
  },
};
