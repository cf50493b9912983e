import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A replay case's recording.json: one analysis' tool calls and their (redacted, bounded) outputs. */
export const RecordedCallSchema = z.object({
  server: z.string().min(1),
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
  ok: z.boolean(),
  text: z.string(),
  structured: z.record(z.string(), z.unknown()).optional(),
});
export type RecordedCallEntry = z.infer<typeof RecordedCallSchema>;

export const RecordingSchema = z.object({
  analysisId: z.string(),
  engine: z.string().optional(),
  calls: z.array(RecordedCallSchema),
});
export type Recording = z.infer<typeof RecordingSchema>;

export class RecordingError extends Error {}

export function loadRecording(file: string): Recording {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RecordingError(`${file}: ${(error as Error).message}`);
  }
  const parsed = RecordingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RecordingError(`${file}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid recording'}`);
  }
  return parsed.data;
}

/** Arguments as a key: keys sorted at every depth, so `{a, b}` and `{b, a}` are the same call. */
export function argsKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(argsKey).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${argsKey(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
