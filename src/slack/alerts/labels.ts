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
/**
 * Each line is trimmed once before matching, so no pattern starts or ends with an unbounded whitespace run: a line of
 * 20,000 spaces is one linear trim, not a quadratic search for where `\s*` should stop.
 */
/** `• *severity:* \`critical\`` — the label list of the widely used Alertmanager Slack template. */
const STARRED = new RegExp(`^(?:[-•*]\\s{1,8})?\\*(${KEY}):\\*\\s{0,8}\`([^\`]{0,300})\``);
/** ` - severity = critical` — Alertmanager/Grafana plain text label lists. */
const EQUALS = new RegExp(`^(?:[-•*]\\s{1,8})?(${KEY})\\s{0,8}=\\s{0,8}"?([^"\\n]{0,300}?)"?$`);
/** Section headers after which `key = value` lines are annotations, not labels. */
const ANNOTATIONS_HEADER = /^\*{0,3}\s{0,8}annotations\s{0,8}:?\*{0,3}$/i;
const LABELS_HEADER = /^\*{0,3}\s{0,8}(labels|details)\s{0,8}:?\*{0,3}$/i;
/** Longer lines are prose or an attack, never a label (a key is ≤ 61 characters and a value ≤ 300). */
const MAX_LABEL_LINE = 512;

export function parseLabelLines(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let inAnnotations = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.length > MAX_LABEL_LINE) continue;
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
