import { findPrometheusTitle } from './prometheus-title.js';
import type { AlertParser, AlertStatus } from './types.js';

/** Datadog monitor notifications: `[Triggered] [P1] Monitor name`, `[Recovered] …`, `[Warn] …`. */
const TITLE =
  /\[(Triggered|Re-Triggered|Warn|Re-Warn|Alert|No Data|Re-No Data|Recovered|Warn Recovered|Resolved)\]\s*(?:\[P\d\]\s*)?(?:on\s+)?(.+)/i;
/** `service:checkout` style tags Datadog appends to notifications. */
const TAG = /(?:^|[\s,#(])([a-z][a-z0-9_.-]{0,40}):([A-Za-z0-9_./-]{1,100})(?=$|[\s,)])/g;
const NOT_TAGS = new Set(['http', 'https', 'mailto', 'slack']);

function statusOf(word: string): AlertStatus {
  return /recovered|resolved/i.test(word) ? 'resolved' : 'firing';
}

export const datadogParser: AlertParser = {
  source: 'datadog',
  parse(message) {
    // `[RESOLVED] name` is Alertmanager's and Grafana's title; its labels are theirs to read, or the resolution of
    // an alert could never match the fingerprint of its firing.
    if (findPrometheusTitle(message.title, message.text)) return undefined;
    const match = TITLE.exec(message.title ?? '') ?? TITLE.exec(message.text);
    if (!match?.[1] || !match[2]) return undefined;
    const labels: Record<string, string> = {};
    for (const tag of message.text.matchAll(TAG)) {
      if (tag[1] && tag[2] && !NOT_TAGS.has(tag[1])) labels[tag[1]] = tag[2];
    }
    const name = match[2]
      .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
      .split('\n')[0]!
      .trim();
    return {
      source: 'datadog',
      status: statusOf(match[1]),
      title: match[0].split('\n')[0]!.trim(),
      alertName: name,
      labels,
      details: message.text,
    };
  },
};
