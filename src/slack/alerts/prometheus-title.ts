/** The `[FIRING:2] Name group values (common labels)` title shared by Alertmanager's and Grafana's default templates. */
const TITLE = /\[(FIRING|RESOLVED)(?::\s*(\d+))?(?:\s*,\s*RESOLVED:\s*\d+)?\]\s*(.*)/i;

export interface PrometheusTitle {
  status: 'firing' | 'resolved';
  count?: number;
  /** Everything after the bracket: group label values, then common labels in parentheses. */
  rest: string;
  line: string;
}

export function findPrometheusTitle(...candidates: (string | undefined)[]): PrometheusTitle | undefined {
  for (const candidate of candidates) {
    if (!candidate) continue;
    for (const line of candidate.split('\n')) {
      const match = TITLE.exec(line);
      if (match?.[1]) {
        return {
          status: match[1].toUpperCase() === 'FIRING' ? 'firing' : 'resolved',
          count: match[2] ? Number(match[2]) : undefined,
          rest: (match[3] ?? '').replace(/<([^|>]+)\|([^>]+)>/g, '$2').trim(),
          line: line.trim(),
        };
      }
    }
  }
  return undefined;
}

/** The first group value is the alert name in the default grouping (`group_by: [alertname, …]`). */
export function firstWord(text: string): string {
  return text.replace(/[()]/g, ' ').trim().split(/\s+/)[0] ?? '';
}
