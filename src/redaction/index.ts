export { parseRedactionEnv, REDACTION_ENV_KEYS, REDACTION_ENV_SHAPE, redactionOptions } from './config.js';
export { configuredRedaction, configuredRedactor, configureRedaction, redactSecrets } from './configured.js';
export { redactingHost } from './host.js';
export { isSecretKey } from './keys.js';
export {
  compileExtraPatterns,
  DEFAULT_REDACTION,
  type ExtraPattern,
  RedactionConfigError,
  type RedactionOptions,
  Redactor,
} from './redactor.js';
export { luhnValid, SECRET_KINDS } from './rules.js';
