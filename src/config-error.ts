/**
 * A configuration the operator must fix: entry points print its message (which names the variable) and exit 2.
 * Its own module so that checks living beside what they check (the model transport in runtime/egress.ts) can throw it
 * without importing the whole engine configuration, which in turn uses those checks.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
