import { parseDuration } from '../../../mcp-servers/shared/time.js';

/**
 * Arguments as a tool will understand them, so that calls a model varied only in form compare equal: the loop guard's
 * notion of "the same call".
 */

/** Longest text read as a time argument ("2024-05-01T14:00:00.000+02:00" is 29). */
const MAX_TIME_CHARS = 64;
/** Characters of a property description searched for a stated default. */
const MAX_DESCRIPTION_CHARS = 1_000;

type Schema = { properties?: Record<string, { type?: unknown; default?: unknown; description?: unknown }> };

/** Argument names that hold times, whatever a tool's description says. */
const TIME_KEYS = /^(since|until|start|end|from|to|before|after|at|time|start_time|end_time|window)$/i;
const LONG_UNITS: Record<string, string> = {
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  day: 'd',
  days: 'd',
  week: 'w',
  weeks: 'w',
};

/** A time argument as the window it means: `1h`, `60m`, `60 minutes ago` and `-1h` are one window; ISO times compare as instants. */
export function canonicalTime(value: string): string | undefined {
  const text = value.trim().toLowerCase();
  // A time is short; a long value is not one, and its regexes stay cheap.
  if (text.length > MAX_TIME_CHARS) return undefined;
  if (text === 'now') return 'now';
  const relative = text
    .replace(/\s+ago$/, '')
    .replace(/^-/, '')
    .replace(/^(\d+(?:\.\d+)?)\s*([a-z]+)$/, (whole, amount: string, unit: string) => {
      const short = LONG_UNITS[unit];
      return short ? `${amount}${short}` : whole;
    });
  const ms = parseDuration(relative);
  if (ms !== undefined) return `${ms}ms before now`;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(value.trim());
    if (!Number.isNaN(at)) return new Date(at).toISOString();
  }
  return undefined;
}

function isTimeArg(key: string, schema: Schema): boolean {
  const description = schema.properties?.[key]?.description;
  return TIME_KEYS.test(key) || (typeof description === 'string' && /ISO-8601|duration/i.test(description));
}

function normaliseValue(value: unknown): unknown {
  if (typeof value === 'string') return value.trim().replace(/\s+/g, ' ').toLowerCase();
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, normaliseValue(inner)]),
    );
  }
  return value;
}

/**
 * A number or boolean default that a schema states only in prose ("50 by default", "Default false"), as MCP servers
 * built with zod's `.optional()` do.
 */
function describedDefault(property: { type?: unknown; description?: unknown } | undefined): unknown {
  if (!property || typeof property.description !== 'string') return undefined;
  // Bounded digits after a non-digit keep the search linear on any description; a default is stated early anyway.
  const text = property.description.slice(0, MAX_DESCRIPTION_CHARS);
  const match = /\bdefault(?:s to|:)?\s{1,3}(true|false|\d{1,9})\b|(?<![\w.])(true|false|\d{1,9}) by default\b/i.exec(text);
  const raw = (match?.[1] ?? match?.[2])?.toLowerCase();
  if (raw === undefined) return undefined;
  if (property.type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  if ((property.type === 'integer' || property.type === 'number') && /^\d+$/.test(raw)) return Number(raw);
  return undefined;
}

/**
 * The arguments as the tool will understand them: empty values dropped, defaults from the input schema filled in,
 * numbers and booleans sent as strings typed, times resolved, strings compared without case or spacing.
 */
export function canonicalArgs(args: Record<string, unknown>, inputSchema: Record<string, unknown> = {}): Record<string, unknown> {
  const schema = inputSchema as Schema;
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const fallback = property && 'default' in property ? property.default : describedDefault(property);
    if (fallback !== undefined) out[key] = fallback;
  }
  for (const [key, raw] of Object.entries(args)) {
    if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) continue;
    let value: unknown = raw;
    const type = schema.properties?.[key]?.type;
    if (typeof raw === 'string' && (type === 'number' || type === 'integer') && raw.trim() !== '' && Number.isFinite(Number(raw))) {
      value = Number(raw);
    } else if (typeof raw === 'string' && type === 'boolean' && /^(true|false)$/i.test(raw.trim())) {
      value = raw.trim().toLowerCase() === 'true';
    } else if (typeof raw === 'string' && isTimeArg(key, schema)) {
      value = canonicalTime(raw) ?? raw;
    }
    out[key] = value;
  }
  return normaliseValue(out) as Record<string, unknown>;
}
