import { z } from 'zod';

/**
 * The structuredContent contract of the logs server's tools. The analysis engines parse tool results with
 * these schemas, so a field may be added here but never renamed or removed without updating them.
 */

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const LogLevelSchema = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevelSchema>;

export const LogEntrySchema = z.object({
  time: z.string().nullable().describe('ISO-8601 UTC, null when the line carried no timestamp'),
  level: LogLevelSchema.nullable(),
  service: z.string(),
  message: z.string().describe('the message; continuation lines such as stack traces follow after newlines'),
  file: z.string().describe('log file, relative to the logs root'),
  line: z.number().int().describe('1-based line number of the entry in its file'),
});
export type LogEntryOut = z.infer<typeof LogEntrySchema>;

export const ReadLogsOutput = z.object({
  entries: z.array(LogEntrySchema),
  total: z.number().int().describe('entries that matched the filters, of which `entries` is the newest `limit`'),
  truncated: z.boolean(),
  totalExact: z
    .boolean()
    .optional()
    .describe('false when a large file was read backwards only far enough for `limit` entries: total is then a lower bound'),
  notes: z.array(z.string()).optional().describe('plain remarks: no logs found, files refused, limit lowered'),
});

export const SearchLogsOutput = z.object({
  matches: z.array(LogEntrySchema),
  total: z.number().int(),
  truncated: z.boolean(),
  firstMatch: z.string().nullable().optional().describe('time of the oldest match, including those not shown'),
  lastMatch: z.string().nullable().optional().describe('time of the newest match'),
  notes: z.array(z.string()).optional().describe('plain remarks: no logs found, files refused, limit lowered'),
});

export const ErrorSignatureSchema = z.object({
  signature: z.string().describe('the message with numbers, ids, hex, IPs and paths masked'),
  level: LogLevelSchema,
  count: z.number().int(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  services: z.array(z.string()),
  example: z.string().describe('one real line, verbatim as it appears in the log (cut at 500 characters)'),
});
export type ErrorSignature = z.infer<typeof ErrorSignatureSchema>;

export const ErrorSummaryOutput = z.object({
  signatures: z.array(ErrorSignatureSchema).describe('ranked, most frequent first'),
  totalErrors: z.number().int(),
  totalWarnings: z.number().int(),
  distinctSignatures: z.number().int(),
  notes: z.array(z.string()).optional().describe('plain remarks: no logs found, files refused, limit lowered'),
});

export const ListServicesOutput = z.object({
  services: z.array(
    z.object({
      service: z.string(),
      entries: z.number().int(),
      errors: z.number().int(),
      warnings: z.number().int(),
      firstSeen: z.string().nullable(),
      lastSeen: z.string().nullable(),
      estimated: z
        .boolean()
        .optional()
        .describe('true: counts and first/last seen are estimated from samples of a big file, not counted (error_summary counts exactly)'),
    }),
  ),
  now: z.string().describe('the time relative windows count back from'),
  mode: z.enum(['dataset', 'live']).optional().describe('live: LOGS_PATH is set and now is the wall clock unless dataset.json fixes it'),
  files: z.number().int().optional().describe('log files read'),
  notes: z.array(z.string()).optional().describe('plain remarks: no logs found, files refused, limit lowered'),
});
