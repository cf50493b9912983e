import { fieldsToLabels, parseLabelLines } from './labels.js';
import { findPrometheusTitle, firstWord } from './prometheus-title.js';
import type { AlertParser } from './types.js';

/** Prometheus Alertmanager's slack_configs: default title `[FIRING:n] …`, labels in the text or fields. */
export const alertmanagerParser: AlertParser = {
  source: 'alertmanager',
  parse(message) {
    const title = findPrometheusTitle(message.title, message.text);
    if (!title) return undefined;
    const labels = { ...fieldsToLabels(message.fields), ...parseLabelLines(message.text) };
    const alertName = labels.alertname ?? firstWord(title.rest) ?? 'alert';
    return {
      source: 'alertmanager',
      status: title.status,
      title: title.line,
      alertName: alertName || 'alert',
      labels,
      details: message.text,
    };
  },
};
