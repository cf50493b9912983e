import path from 'node:path';
import { parseJsonLine, parseLogfmtLine } from './structured.js';
import { parseApacheLine, parseBglLine, parseHdfsLine, parseIsoLine, parseSparkLine } from './text-formats.js';
import type { ParsedHead } from './types.js';

export type { ParsedHead } from './types.js';

/**
 * Recognises the first line of an entry in any supported format, or returns null for a continuation line
 * (a stack frame) or text no format accepts. The first character picks the candidates, so an ordinary line
 * costs one or two regex tests.
 */
export function parseHead(line: string): ParsedHead | null {
  const first = line.charCodeAt(0);
  if (first === 0x7b /* { */) return parseJsonLine(line);
  if (first === 0x5b /* [ */) return parseApacheLine(line);
  if (first >= 0x30 && first <= 0x39) {
    return parseIsoLine(line) ?? parseHdfsLine(line) ?? parseSparkLine(line) ?? parseBglLine(line) ?? parseLogfmtLine(line);
  }
  if (first === 0x20 || first === 0x09) return null;
  return parseIsoLine(line) ?? parseBglLine(line) ?? parseLogfmtLine(line);
}

/** C0 controls except tab, DEL, and C1 controls: binary noise that would garble a model's context. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's job.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export function sanitizeLine(line: string): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  CONTROL.lastIndex = 0;
  return CONTROL.test(text) ? text.replace(CONTROL, '') : text;
}

/** Whether any line of a decoded chunk needs sanitizeLine beyond dropping a trailing CR; lets clean chunks skip the per-line test. */
export function hasControlChars(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text.replace(/\r\n/g, '\n'));
}

const LOG_SUFFIX = /\.(?:log|jsonl|ndjson|txt)(?:[.-].*)?$/i;

/** `checkout-api.log.1.gz` → `checkout-api`; `payments.jsonl` → `payments`. */
export function serviceFromFileName(file: string): string {
  const base = path.basename(file).replace(/\.gz$/i, '');
  const stripped = base.replace(LOG_SUFFIX, '').replace(/\.\d+$/, '');
  return stripped.length > 0 ? stripped : base;
}
