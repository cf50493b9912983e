import path from 'node:path';
import { isKnownZone } from './parser/zone.js';

/**
 * LOG_TIMEZONE (one IANA zone for every file) and LOG_TIMEZONES (a JSON object of glob → zone, first match wins):
 * the zone of log lines written without a UTC offset. A glob matches a file's path, its label under the logs root, or
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

export function zonesFromEnv(env: NodeJS.ProcessEnv): ZoneRules {
  const single = env.LOG_TIMEZONE?.trim();
  const mapText = env.LOG_TIMEZONES?.trim();
  const fallback = single ? checkZone('LOG_TIMEZONE', single) : undefined;
  if (!mapText) return { fallback, rules: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(mapText);
  } catch (error) {
    throw new ZoneConfigError(`LOG_TIMEZONES: not valid JSON (${(error as Error).message}); expected {"<glob>": "<IANA zone>"}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ZoneConfigError('LOG_TIMEZONES: expected a JSON object such as {"/var/log/legacy/*.log": "Europe/Berlin"}');
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > MAX_RULES) throw new ZoneConfigError(`LOG_TIMEZONES: at most ${MAX_RULES} entries`);
  return {
    fallback,
    rules: entries.map(([glob, zone]) => ({ glob, test: globRegExp(glob), zone: checkZone(`LOG_TIMEZONES["${glob}"]`, zone) })),
  };
}

/** The zone of a file's offset-less lines, or undefined for UTC. */
export function zoneOf(rules: ZoneRules, file: { abs: string; label: string }): string | undefined {
  const name = path.basename(file.abs);
  const rule = rules.rules.find((item) => item.test.test(file.abs) || item.test.test(file.label) || item.test.test(name));
  const zone = rule?.zone ?? rules.fallback;
  return zone === 'UTC' || zone === 'Etc/UTC' ? undefined : zone;
}
