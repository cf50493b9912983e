import { compileExtraPatterns, DEFAULT_REDACTION, type RedactionOptions, Redactor } from './redactor.js';

/**
 * The operator's redaction settings for this process. Everything that redacts outside one analysis (Slack blocks,
 * log and error lines, what is stored or exported) goes through `redactSecrets`, so REDACT_IPS and
 * REDACT_EXTRA_PATTERNS apply there exactly as in the analysis: there is no second copy built with defaults.
 * The CLI and the bot set it once at start-up from the configuration they parsed (createRuntime, createSlackBot).
 */
let configured: { options: RedactionOptions; compiled: ReturnType<typeof compileExtraPatterns> } = {
  options: DEFAULT_REDACTION,
  compiled: [],
};

/** Installs the parsed settings; patterns are compiled here, once, not per call. */
export function configureRedaction(options: RedactionOptions): void {
  configured = { options, compiled: compileExtraPatterns(options.extra) };
}

/** The settings in force, for callers that build their own numbered Redactor (one per analysis or export). */
export function configuredRedaction(): RedactionOptions {
  return configured.options;
}

/** A fresh numbered redactor with the settings in force. */
export function configuredRedactor(): Redactor {
  return new Redactor(configured.options, configured.compiled);
}

/** Stateless redaction with the settings in force, for last-line defences (Slack blocks, log lines, stored text). */
export function redactSecrets(text: string): string {
  return configuredRedactor().text(text);
}
