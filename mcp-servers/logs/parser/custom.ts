import { RE2JS } from 're2js';
import type { LogLevel } from '../schemas.js';
import { normalizeLevel } from './levels.js';
import { monthIndex, timeFromValue, utcMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * A team's own format (LOG_FORMATS, docs/datasets.md "Custom log formats"): an RE2 pattern with named groups `time`,
 * `level`, `service`, `message` (only `message` is required) and a time layout (`YYYY-MM-DD HH:mm:ss.SSS`, `iso`,
 * `epoch_s`, `epoch_ms`). RE2 runs in linear time, so a pattern from a config file cannot hang the server. Custom
 * formats are tried before the built-in ones, in the order given.
 */

export interface CustomFormatSpec {
  name: string;
  pattern: string;
  timeLayout?: string;
}

interface CompiledFormat {
  name: string;
  re: RE2JS;
  groups: Record<string, number>;
  time: (text: string) => number | null;
}

export class FormatConfigError extends Error {}

/** More formats than this is a configuration mistake, and each one costs a test on every line. */
export const MAX_CUSTOM_FORMATS = 16;
const MAX_PATTERN = 2_000;
const MAX_LAYOUT = 64;

let registered: CompiledFormat[] = [];

/** Layout tokens, longest first so `MMM` wins over `MM`. */
const TOKENS: [string, string][] = [
  ['YYYY', '(\\d{4})'],
  ['MMM', '([A-Za-z]{3})'],
  ['YY', '(\\d{2})'],
  ['MM', '(\\d{1,2})'],
  ['DD', '(\\d{1,2})'],
  ['HH', '(\\d{1,2})'],
  ['mm', '(\\d{2})'],
  ['ss', '(\\d{2})'],
  ['SSS', '(\\d{1,9})'],
  ['Z', '(Z|[+-]\\d{2}:?\\d{2})'],
];

/** Compiles a layout into a reader of time text; throws FormatConfigError naming the problem. */
export function timeReader(layout: string | undefined, format: string): (text: string) => number | null {
  const name = (layout ?? 'iso').trim();
  if (name === 'iso' || name === 'auto') return (text) => timeFromValue(text);
  if (name === 'epoch_s' || name === 'epoch_ms' || name === 'epoch') return (text) => timeFromValue(Number(text));
  if (name.length > MAX_LAYOUT) throw new FormatConfigError(`format "${format}": timeLayout is longer than ${MAX_LAYOUT} characters`);
  const order: string[] = [];
  let source = '^';
  for (let i = 0; i < name.length; ) {
    const token = TOKENS.find(([t]) => name.startsWith(t, i));
    if (token) {
      order.push(token[0]);
      source += token[1];
      i += token[0].length;
    } else {
      source += name[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  for (const needed of [['YYYY', 'YY'], ['MM', 'MMM'], ['DD'], ['HH'], ['mm']]) {
    if (!needed.some((token) => order.includes(token)))
      throw new FormatConfigError(`format "${format}": timeLayout "${name}" has no ${needed.join(' or ')}`);
  }
  const re = new RegExp(`${source}$`);
  return (text) => {
    const m = re.exec(text.trim());
    if (!m) return null;
    const get = (token: string) => (order.includes(token) ? m[order.indexOf(token) + 1] : undefined);
    const year = get('YYYY') !== undefined ? Number(get('YYYY')) : 2000 + Number(get('YY'));
    const month0 = get('MMM') !== undefined ? (monthIndex(get('MMM')!) ?? -1) : Number(get('MM')) - 1;
    return utcMs(year, month0, Number(get('DD')), Number(get('HH')), Number(get('mm')), Number(get('ss') ?? '0'), get('SSS'), get('Z'));
  };
}

/** Validates and compiles formats; every error names the format and what to fix. */
export function compileFormats(specs: readonly CustomFormatSpec[]): CompiledFormat[] {
  if (specs.length > MAX_CUSTOM_FORMATS) throw new FormatConfigError(`at most ${MAX_CUSTOM_FORMATS} formats, got ${specs.length}`);
  return specs.map((spec, index) => {
    const name = typeof spec.name === 'string' && spec.name.trim() ? spec.name.trim() : `#${index + 1}`;
    if (typeof spec.pattern !== 'string' || spec.pattern.length === 0) throw new FormatConfigError(`format "${name}": pattern is missing`);
    if (spec.pattern.length > MAX_PATTERN)
      throw new FormatConfigError(`format "${name}": pattern is longer than ${MAX_PATTERN} characters`);
    let re: RE2JS;
    try {
      re = RE2JS.compile(spec.pattern);
    } catch (error) {
      throw new FormatConfigError(`format "${name}": pattern is not valid RE2 (${error instanceof Error ? error.message : String(error)})`);
    }
    const groups = re.namedGroups();
    if (groups.message === undefined) throw new FormatConfigError(`format "${name}": pattern needs a named group (?P<message>…)`);
    return { name, re, groups, time: timeReader(spec.timeLayout, name) };
  });
}

/** LOG_FORMATS: a JSON array of {name, pattern, timeLayout}; an empty value means none. */
export function parseFormatsJson(text: string): CustomFormatSpec[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FormatConfigError(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const list = Array.isArray(data) ? data : data && typeof data === 'object' ? [data] : undefined;
  if (!list) throw new FormatConfigError('expected a JSON array of {"name", "pattern", "timeLayout"} objects');
  return list as CustomFormatSpec[];
}

export function setCustomFormats(specs: readonly CustomFormatSpec[]): void {
  registered = compileFormats(specs);
}

export function hasCustomFormats(): boolean {
  return registered.length > 0;
}

/** The first registered format that matches the whole line. */
export function parseCustomLine(line: string): ParsedHead | null {
  for (const format of registered) {
    const m = format.re.matcher(line);
    if (!m.lookingAt()) continue;
    const group = (name: string) => (format.groups[name] === undefined ? null : m.group(name));
    const timeText = group('time');
    const levelText = group('level');
    const level: LogLevel | null = levelText ? normalizeLevel(levelText) : null;
    const service = group('service')?.trim() || null;
    return { time: timeText ? format.time(timeText) : null, level, service, message: group('message') ?? '' };
  }
  return null;
}
