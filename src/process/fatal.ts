import { safeWrite } from './stdio-guard.js';

/**
 * The last line of defence: an uncaught exception or unhandled rejection is logged once, `onFatal` gets a bounded
 * time to tell people (running analyses marked failed in their threads), and the process exits 1 so its supervisor
 * restarts it. Nothing here can recurse: a failure while handling one (a throwing logger, an error whose `stack`
 * throws, `onFatal` rejecting) exits 1 at once instead of being handled again.
 */

export interface FatalOptions {
  /** Writes one log line; a throw here counts as a failure inside the handler. */
  log(level: 'error', line: string): void;
  /** Masks secrets in what is logged and told. */
  redact(text: string): string;
  /** Work before exiting (telling threads); the process exits 1 when it settles or after `limitMs`. */
  onFatal?(reason: string): Promise<void>;
  limitMs: number;
}

/** Longest reason handed to `onFatal` (it ends up in Slack threads). */
const REASON_CHARS = 300;

let handling = false;

/** Whether a fatal error is being handled: a signal then exits at once. */
export function failing(): boolean {
  return handling;
}

function exitNow(): never {
  process.exit(1);
}

export function installFatalHandlers(options: FatalOptions): void {
  const handle = (kind: string, error: unknown) => {
    if (handling) {
      safeWrite('stderr', `${new Date().toISOString()} [ERROR] ${kind} while handling an earlier one: exiting\n`);
      exitNow();
    }
    handling = true;
    process.exitCode = 1;
    // Not unref'd: whatever `onFatal` awaits, the process is gone by then.
    setTimeout(exitNow, options.limitMs);
    try {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      options.log('error', `${kind}: ${options.redact(text)}`);
      const reason = options.redact(error instanceof Error ? error.message : String(error)).slice(0, REASON_CHARS);
      const told = options.onFatal?.(`${kind}: ${reason}`) ?? Promise.resolve();
      told.then(exitNow, exitNow);
    } catch {
      exitNow();
    }
  };
  process.on('uncaughtException', (error) => handle('uncaught exception', error));
  process.on('unhandledRejection', (reason) => handle('unhandled rejection', reason));
}
