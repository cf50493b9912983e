import { z } from 'zod';
import { parseDuration, parseWindow } from '../../shared/time.js';
import { ToolInputError } from '../../shared/tool-result.js';
import { closestNames } from '../analysis/naming.js';
import type { MetricsBackend, TimeRange } from '../types.js';

/** What every metrics tool needs: the backend; tools stay stateless otherwise. */
export interface MetricsContext {
  backend: MetricsBackend;
}

/** Without `since`, windows reach this far back from now: long enough for a baseline, short enough to stay on the incident. */
export const DEFAULT_LOOKBACK = '2h';

export const sinceField = z
  .string()
  .optional()
  .describe(`start of the window: ISO-8601 (2024-05-01T14:30:00Z) or a duration back from now (30m, 2h, 1d); default ${DEFAULT_LOOKBACK}`);
export const untilField = z.string().optional().describe('end of the window: ISO-8601 or a duration back from now; default now');
export const serviceField = z.string().optional().describe('only this service (tags.service, else tags.job / tags.app); case-insensitive');

export async function resolveRange(
  args: { since?: string | undefined; until?: string | undefined },
  backend: MetricsBackend,
): Promise<TimeRange> {
  const now = await backend.now();
  const window = parseWindow({ since: args.since ?? DEFAULT_LOOKBACK, until: args.until }, now);
  const until = window.until ?? now;
  const since = window.since ?? new Date(now.getTime() - (parseDuration(DEFAULT_LOOKBACK) ?? 0));
  if (since.getTime() >= until.getTime()) {
    throw new ToolInputError(`the window ${since.toISOString()} … ${until.toISOString()} is empty; since must be before until`);
  }
  return { since, until };
}

export async function assertKnownService(backend: MetricsBackend, service: string | undefined): Promise<void> {
  if (service === undefined) return;
  const known = await backend.knownServices();
  if (known.some((k) => k.toLowerCase() === service.toLowerCase())) return;
  throw new ToolInputError(
    `unknown service ${service}; known: ${closestNames(service, known)}`,
    'pass one of the known services or leave service out',
  );
}

export function iso(date: Date | number): string {
  return new Date(date).toISOString();
}

/** Compact times for text: the date only when the window spans days. */
export function shortTime(t: number, withDate: boolean): string {
  const text = new Date(t).toISOString();
  return withDate ? `${text.slice(5, 10)} ${text.slice(11, 16)}` : text.slice(11, 16);
}

export function formatValue(value: number | null, unit: string | null = null): string {
  if (value === null) return 'n/a';
  const abs = Math.abs(value);
  const text = abs !== 0 && (abs >= 1e6 || abs < 1e-3) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
  if (!unit) return text;
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}
