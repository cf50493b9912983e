/**
 * The logger every Slack module writes to (Bolt's, in production). It lives at the bottom of the import graph so the
 * policy, the worker and the listeners can share it without importing each other.
 */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
