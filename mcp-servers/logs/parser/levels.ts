import type { LogLevel } from '../schemas.js';

/** Every level word seen in common loggers and the loghub systems, upper-cased, mapped onto the six levels. */
const LEVEL_WORDS = new Map<string, LogLevel>(
  Object.entries({
    TRACE: 'trace',
    FINEST: 'trace',
    FINER: 'trace',
    DEBUG: 'debug',
    FINE: 'debug',
    VERBOSE: 'debug',
    CONFIG: 'debug',
    INFO: 'info',
    INFORMATION: 'info',
    NOTICE: 'info',
    WARN: 'warn',
    WARNING: 'warn',
    ERR: 'error',
    ERROR: 'error',
    SEVERE: 'error',
    CRIT: 'fatal',
    CRITICAL: 'fatal',
    ALERT: 'fatal',
    EMERG: 'fatal',
    EMERGENCY: 'fatal',
    FATAL: 'fatal',
    PANIC: 'fatal',
    // Serilog's three-letter names ({Level:u3}); ERR is above.
    VRB: 'trace',
    DBG: 'debug',
    INF: 'info',
    WRN: 'warn',
    FTL: 'fatal',
    // BGL marks hardware failures with FAILURE; they stop the node, as FATAL does.
    FAILURE: 'fatal',
  }) as [string, LogLevel][],
);

/** Apache 2.4 writes trace1 … trace8. */
const TRACE_N = /^TRACE\d$/;

export function normalizeLevel(word: string): LogLevel | null {
  const exact = LEVEL_WORDS.get(word);
  if (exact) return exact;
  const upper = word.trim().toUpperCase();
  return LEVEL_WORDS.get(upper) ?? (TRACE_N.test(upper) ? 'trace' : null);
}

/** pino/bunyan numeric levels: 10 trace … 60 fatal; values between steps round down. */
export function levelFromNumber(value: number): LogLevel | null {
  if (!Number.isFinite(value) || value < 10) return null;
  if (value < 20) return 'trace';
  if (value < 30) return 'debug';
  if (value < 40) return 'info';
  if (value < 50) return 'warn';
  if (value < 60) return 'error';
  return 'fatal';
}

export const LEVEL_RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };
