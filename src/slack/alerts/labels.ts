/** Label parsing shared by the Prometheus-family formats (Alertmanager, Grafana). */

/** Keys that change between firings of the same alert or carry prose, so they never identify an alert. */
const NON_IDENTIFYING = new Set([
  'description',
  'summary',
  'message',
  'value',
  'values',
  'source',
  'silence',
  'dashboard',
  'panel',
  'runbook',
  'runbook_url',
  'generatorurl',
  'startsat',
  'endsat',
  'timestamp',
  'alert',
  'details',
  'title',
]);

export function isIdentifyingLabel(key: string): boolean {
  return !NON_IDENTIFYING.has(key.toLowerCase());
}

const KEY = '[A-Za-z_][A-Za-z0-9_.-]{0,60}';
/** `• *severity:* \`critical\`` — the label list of the widely used Alertmanager Slack template. */
const STARRED = new RegExp(`^\\s*(?:[-•*]\\s+)?\\*(${KEY}):\\*\\s*\`([^\`]{0,300})\``);
/** ` - severity = critical` — Alertmanager/Grafana plain text label lists. */
const EQUALS = new RegExp(`^\\s*(?:[-•*]\\s+)?(${KEY})\\s*=\\s*"?([^"\\n]{0,300}?)"?\\s*$`);
/** Section headers after which `key = value` lines are annotations, not labels. */
const ANNOTATIONS_HEADER = /^\s*\**\s*annotations\s*:?\**\s*$/i;
const LABELS_HEADER = /^\s*\**\s*(labels|details)\s*:?\**\s*$/i;

export function parseLabelLines(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let inAnnotations = false;
  for (const line of text.split('\n')) {
    if (ANNOTATIONS_HEADER.test(line)) {
      inAnnotations = true;
      continue;
    }
    if (LABELS_HEADER.test(line)) {
      inAnnotations = false;
      continue;
    }
    if (inAnnotations) continue;
    const match = STARRED.exec(line) ?? EQUALS.exec(line);
    if (match?.[1] && match[2] !== undefined) labels[match[1]] = match[2].trim();
  }
  return labels;
}

export function fieldsToLabels(fields: { title: string; value: string }[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const field of fields) {
    const key = field.title.trim().toLowerCase().replace(/\s+/g, '_');
    if (key && /^[a-z_][a-z0-9_.-]*$/.test(key)) labels[key] = field.value.trim().slice(0, 300);
  }
  return labels;
}

/** Only the labels that identify an alert, sorted, for fingerprints. */
export function identifyingLabels(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels)
    .filter(([key]) => isIdentifyingLabel(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
