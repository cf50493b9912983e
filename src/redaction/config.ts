import { z } from 'zod';
import { compileExtraPatterns, type ExtraPattern, RedactionConfigError, type RedactionOptions } from './redactor.js';

/** A kind name becomes part of `[REDACTED:<kind>#n]`, so it stays short and plain. */
const KIND_NAME = /^[a-z][a-z0-9_]{0,39}$/;
/** A company's own patterns; more is a configuration mistake, and each adds a pass over every tool result. */
const MAX_EXTRA_PATTERNS = 50;

function flag(defaultValue: 'true' | 'false') {
  return z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .default(defaultValue)
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  );
}

/** `{"employee_id": "EMP-[0-9]{6}", "ticket_secret": "tks_[A-Za-z0-9]{24}"}`: kind → RE2 pattern. */
const extraPatterns = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string()
    .optional()
    .transform((text, ctx): ExtraPattern[] => {
      if (text === undefined) return [];
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `not JSON (${(error as Error).message}); expected {"kind": "RE2 pattern", …}, e.g. {"employee_id": "EMP-[0-9]{6}"}`,
        });
        return z.NEVER;
      }
      if (!data || typeof data !== 'object' || Array.isArray(data)) {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON object {"kind": "RE2 pattern", …}' });
        return z.NEVER;
      }
      const entries = Object.entries(data as Record<string, unknown>);
      if (entries.length > MAX_EXTRA_PATTERNS) {
        ctx.addIssue({ code: 'custom', message: `at most ${MAX_EXTRA_PATTERNS} patterns` });
        return z.NEVER;
      }
      const out: ExtraPattern[] = [];
      for (const [kind, pattern] of entries) {
        if (!KIND_NAME.test(kind)) {
          ctx.addIssue({
            code: 'custom',
            message: `kind "${kind}" must be lower-case letters, digits and _ (it appears as [REDACTED:${kind}])`,
          });
          return z.NEVER;
        }
        if (typeof pattern !== 'string' || pattern === '') {
          ctx.addIssue({ code: 'custom', message: `pattern for "${kind}" must be a non-empty string` });
          return z.NEVER;
        }
        out.push({ kind, pattern });
      }
      try {
        compileExtraPatterns(out);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as RedactionConfigError).message.replace(/^REDACT_EXTRA_PATTERNS: /, '') });
        return z.NEVER;
      }
      return out;
    }),
);

/** Spread into the engine's env schema, so redaction settings are parsed (and rejected) with everything else. */
export const REDACTION_ENV_SHAPE = {
  REDACT_EMAILS: flag('true'),
  REDACT_IPS: flag('false'),
  REDACT_EXTRA_PATTERNS: extraPatterns,
};

export const REDACTION_ENV_KEYS = Object.keys(REDACTION_ENV_SHAPE);

export function redactionOptions(config: {
  REDACT_EMAILS: boolean;
  REDACT_IPS: boolean;
  REDACT_EXTRA_PATTERNS: ExtraPattern[];
}): RedactionOptions {
  return { emails: config.REDACT_EMAILS, ips: config.REDACT_IPS, extra: config.REDACT_EXTRA_PATTERNS };
}

/** For callers outside the engine config (bench, tests): parses just the redaction variables. */
export function parseRedactionEnv(env: NodeJS.ProcessEnv): RedactionOptions {
  const parsed = z.object(REDACTION_ENV_SHAPE).safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RedactionConfigError(`${String(issue?.path[0] ?? 'REDACT_*')}: ${issue?.message ?? 'invalid'}`);
  }
  return redactionOptions(parsed.data);
}
