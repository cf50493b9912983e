/** The logger every worker module takes (Bolt's logger in the bot, a recorder in tests); its own module so none of them imports another for it. */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
