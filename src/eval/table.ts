import type { CaseResult } from './runner.js';

/** Longest "failed check" cell; the JSON output has the full details. */
const MAX_DETAIL = 70;

function cell(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function detailOf(result: CaseResult): string {
  if (result.verdict === 'error') return `error: ${result.error ?? ''}`;
  const first = result.failures[0];
  if (!first) return '';
  const more = result.failures.length > 1 ? ` (+${result.failures.length - 1})` : '';
  return `${first.check}: ${first.detail}${more}`;
}

/** A plain-text table: case, verdict, first failed check, time, tool calls; then a totals line. */
export function formatTable(results: readonly CaseResult[]): string {
  const rows = results.map((result) => [
    result.name,
    result.verdict.toUpperCase(),
    detailOf(result).slice(0, MAX_DETAIL),
    `${(result.ms / 1000).toFixed(2)}s`,
    String(result.toolCalls),
  ]);
  const header = ['case', 'verdict', 'failed check', 'time', 'tools'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((value, column) => cell(value, widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const passed = results.filter((result) => result.verdict === 'pass').length;
  const totalMs = results.reduce((sum, result) => sum + result.ms, 0);
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    `${passed}/${results.length} passed in ${(totalMs / 1000).toFixed(2)}s`,
  ].join('\n');
}
