import { ToolInputError } from '../../../shared/tool-result.js';

/**
 * Requests one backend operation (one tool's listing, one commit) may send to a hosted git API. GitHub allows 5,000
 * an hour per token and the bot shares it with CI; 60 covers a busy day's pages plus the per-commit details, which are
 * cached by sha so later calls mostly cost 304s.
 */
export const MAX_REQUESTS_PER_CALL = 60;

/** Counts the requests of one backend operation; `spent()` tells the listing to stop and say so. */
export class RequestBudget {
  private used = 0;

  constructor(readonly limit: number = MAX_REQUESTS_PER_CALL) {}

  /** Claims one request; false when the budget is spent (the caller stops and notes it). */
  take(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  spent(): boolean {
    return this.used >= this.limit;
  }

  get count(): number {
    return this.used;
  }

  note(what: string): string {
    return `Stopped after ${this.used} API requests (the per-call budget, MAX_REQUESTS_PER_CALL=${this.limit}): ${what}. Narrow the window (since/until) for a complete answer.`;
  }
}

/** Replaces every occurrence of a secret in text that may reach the model, Slack or logs. */
export function scrubSecret(text: string, secret: string | undefined): string {
  return secret && secret.length > 0 ? text.split(secret).join('[redacted]') : text;
}

/** A ToolInputError whose message and hint cannot carry the token, whatever the server answered. */
export function safeError(message: string, hint: string, secret: string | undefined): ToolInputError {
  return new ToolInputError(scrubSecret(message, secret), scrubSecret(hint, secret));
}

/** "at 14:05:00Z (in 12 min)" for a reset time in epoch seconds. */
export function describeReset(resetEpochSeconds: number, now: number = Date.now()): string {
  const at = new Date(resetEpochSeconds * 1000);
  const minutes = Math.max(0, Math.ceil((at.getTime() - now) / 60_000));
  return `${at.toISOString()} (in ${minutes} min)`;
}

/** Network failures fetch reports as a TypeError whose cause names the system error. */
export function networkCause(error: unknown): string | undefined {
  let current: unknown = error;
  // Causes nest a few levels (RequestError → TypeError → SystemError); deeper chains are not network errors.
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
