import { z } from 'zod';
import { parseWindow, type TimeWindow } from '../../shared/time.js';
import { DEFAULT_LIMIT, MAX_LIMIT, ToolInputError } from '../../shared/tool-result.js';
import type { GitBackend } from '../backend.js';

export interface GitToolContext {
  backend: GitBackend;
}

export const sinceField = z
  .string()
  .optional()
  .describe('Start of the window: ISO-8601 (2024-05-01T14:00:00Z) or a duration back from now (30m, 2h, 1d). Default: no lower bound.');
export const untilField = z
  .string()
  .optional()
  .describe('End of the window: ISO-8601 or a duration back from now (e.g. 10m). Default: now, i.e. no upper bound.');
export const serviceField = z
  .string()
  .optional()
  .describe('Only this service (case-insensitive), e.g. checkout-api. An unknown name returns an error listing the known services.');
export const limitField = z
  .number()
  .int()
  .min(1)
  .max(MAX_LIMIT)
  .optional()
  .describe(`How many items to return, newest first (default ${DEFAULT_LIMIT}, max ${MAX_LIMIT}).`);

export async function resolveWindow(
  backend: GitBackend,
  args: { since?: string | undefined; until?: string | undefined },
): Promise<TimeWindow> {
  return parseWindow(args, await backend.now());
}

/** Checks a service filter against the backend's known names and returns the canonical spelling. */
export async function resolveService(backend: GitBackend, service: string | undefined): Promise<string | undefined> {
  if (service === undefined) return undefined;
  const wanted = service.trim().toLowerCase();
  if (wanted === '') throw new ToolInputError('service is empty', 'omit service to see every service');
  if (backend.unconfigured) return service.trim();
  const known = await backend.services();
  const match = known.find((name) => name.toLowerCase() === wanted);
  if (match) return match;
  throw new ToolInputError(
    `unknown service "${service}"; known: ${known.length > 0 ? known.join(', ') : '(none)'}`,
    'pick one of the known services, or omit service',
  );
}

export function describeWindow(window: TimeWindow): string {
  if (window.since && window.until) return `between ${window.since.toISOString()} and ${window.until.toISOString()}`;
  if (window.since) return `since ${window.since.toISOString()}`;
  if (window.until) return `until ${window.until.toISOString()}`;
  return 'in all history';
}
