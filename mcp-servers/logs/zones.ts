import path from 'node:path';
import { isKnownZone } from './parser/zone.js';

/**
 * LOG_TIMEZONE (one IANA zone for every file) and LOG_TIMEZONES (a JSON object of glob → zone, first match wins):
 * the zone of log lines written without a UTC offset; LOG_SERVICES (glob → service) the same way for file services. A glob matches a file's path, its label under the logs root, or
 * its name; `*` stays within a folder, `**` crosses folders.
 */

export class ZoneConfigError extends Error {}

export interface ZoneRules {
  fallback?: string | undefined;
  rules: Array<{ glob: string; test: RegExp; zone: string }>;
}

/** At most this many LOG_TIMEZONES entries: each is tried per file listing, and a team has a handful of services. */
const MAX_RULES = 200;

function globRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? '';
    if (ch === '*' && glob[i + 1] === '*') {
      out += '.*';
      i += 1;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function checkZone(variable: string, zone: unknown): string {
  if (typeof zone !== 'string' || !isKnownZone(zone.trim())) {
    throw new ZoneConfigError(`${variable}: unknown time zone ${JSON.stringify(zone)}; give an IANA name such as Europe/Berlin or UTC`);
  }
  return zone.trim();
}

/** A JSON object of glob → value from `variable`, each value checked by `check`. */
function globMap(variable: string, text: string, check: (where: string, value: unknown) => string): ZoneRules['rules'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ZoneConfigError(`${variable}: not valid JSON (${(error as Error).message}); expected {"<glob>": "<value>"}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ZoneConfigError(`${variable}: expected a JSON object such as {"/var/log/legacy/*.log": "…"}`);
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > MAX_RULES) throw new ZoneConfigError(`${variable}: at most ${MAX_RULES} entries`);
  return entries.map(([glob, value]) => ({ glob, test: globRegExp(glob), zone: check(`${variable}["${glob}"]`, value) }));
}

function firstMatch(rules: ZoneRules['rules'], file: { abs: string; label: string }): string | undefined {
  const name = path.basename(file.abs);
  return rules.find((item) => item.test.test(file.abs) || item.test.test(file.label) || item.test.test(name))?.zone;
}

const SERVICE_NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

/**
 * LOG_SERVICES: a JSON object of glob → service for files whose name is no service (`access.log`, `nginx/error.log`).
 * Lines that name their own service keep it.
 */
export function servicesFromEnv(env: NodeJS.ProcessEnv): ZoneRules['rules'] {
  const text = env.LOG_SERVICES?.trim();
  if (!text) return [];
  return globMap('LOG_SERVICES', text, (where, value) => {
    if (typeof value !== 'string' || !SERVICE_NAME.test(value.trim())) {
      throw new ZoneConfigError(`${where}: expected a service name such as "checkout-api", got ${JSON.stringify(value)}`);
    }
    return value.trim();
  });
}

export function serviceOf(rules: ZoneRules['rules'], file: { abs: string; label: string }): string | undefined {
  return firstMatch(rules, file);
}

export function zonesFromEnv(env: NodeJS.ProcessEnv): ZoneRules {
  const single = env.LOG_TIMEZONE?.trim();
  const mapText = env.LOG_TIMEZONES?.trim();
  const fallback = single ? checkZone('LOG_TIMEZONE', single) : undefined;
  if (!mapText) return { fallback, rules: [] };
  return { fallback, rules: globMap('LOG_TIMEZONES', mapText, checkZone) };
}

/** The zone of a file's offset-less lines, or undefined for UTC. */
export function zoneOf(rules: ZoneRules, file: { abs: string; label: string }): string | undefined {
  const zone = firstMatch(rules.rules, file) ?? rules.fallback;
  return zone === 'UTC' || zone === 'Etc/UTC' ? undefined : zone;
}
