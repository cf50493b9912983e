import { fieldsToLabels } from './labels.js';
import type { AlertParser, AlertStatus } from './types.js';

/** PagerDuty's Slack app: `Triggered #1234 Title`, `:red_circle: Triggered: <url|#1234 Title>`, with Service/Urgency fields. */
const HEADLINE =
  /\b(Triggered|Acknowledged|Resolved|Reopened|Escalated|Reassigned)\b[:\s]*(?:<[^|>]+\|)?\s*(?:#(\d+)\s*[:-]?\s*)?([^>\n]*)/i;
const SERVICE_LINE = /^\s*\**Service\**\s*:\**\s*(.+)$/im;

function statusOf(word: string): AlertStatus {
  const lower = word.toLowerCase();
  if (lower === 'resolved') return 'resolved';
  if (lower === 'triggered' || lower === 'reopened' || lower === 'escalated') return 'firing';
  // Acknowledged / reassigned are updates on an incident someone already has, not a new one.
  return 'other';
}

export const pagerdutyParser: AlertParser = {
  source: 'pagerduty',
  parse(message) {
    const fromPagerDuty = /pagerduty/i.test(message.senderHints) || /pagerduty\.com/i.test(message.text);
    if (!fromPagerDuty) return undefined;
    const match = HEADLINE.exec(message.title ?? '') ?? HEADLINE.exec(message.text);
    if (!match?.[1]) return undefined;
    const labels = fieldsToLabels(message.fields);
    const service = labels.service ?? SERVICE_LINE.exec(message.text)?.[1]?.trim();
    if (service) labels.service = service.replace(/<([^|>]+)\|([^>]+)>/g, '$2');
    if (match[2]) labels.incident = match[2];
    const title = (match[3] ?? '').trim() || message.title || 'PagerDuty incident';
    // The incident number identifies it; status fields change with every update and must not split the fingerprint.
    delete labels.status;
    delete labels.assigned;
    delete labels.assignee;
    return { source: 'pagerduty', status: statusOf(match[1]), title: match[0].trim(), alertName: title, labels, details: message.text };
  },
};
