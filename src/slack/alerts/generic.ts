import { fieldsToLabels } from './labels.js';
import type { AlertParser } from './types.js';

/** Words that make an integration's message an alert worth analysing; other bot chatter is ignored. */
const ALERTING =
  /\b(alert|alerting|firing|triggered|critical|outage|down|degraded|failing|failed|errors?|incident|sev[0-4]|p[0-4]|5\d\d)\b/i;
const RESOLVED = /\b(resolved|recovered|back to normal|is up|back up|cleared)\b|\[ok\]|^\s*ok\b/i;

/** Normalises numbers (values, percentages, counts) so re-sends of one alert share a name. */
function normaliseName(title: string): string {
  return title
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/\d+(?:[.,]\d+)?%?/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

export const genericParser: AlertParser = {
  source: 'generic',
  parse(message) {
    const title = (message.title ?? message.text.split('\n').find((line) => line.trim()) ?? '').trim();
    if (!title) return undefined;
    const resolved = RESOLVED.test(title);
    if (!resolved && !ALERTING.test(message.text)) return undefined;
    return {
      source: 'generic',
      status: resolved ? 'resolved' : 'firing',
      title,
      alertName: normaliseName(title),
      labels: fieldsToLabels(message.fields),
      details: message.text,
    };
  },
};
