import { z } from 'zod';
import { ReportSchema } from './schema.js';

/**
 * The part of the report a model writes. The engine fills incident, window, engine, toolCalls and durationMs
 * itself: a model should not be trusted to report which tools it called or how long it took.
 */
export const ModelReportSchema = ReportSchema.pick({
  summary: true,
  rootCause: true,
  confidence: true,
  suspect: true,
  timeline: true,
  evidence: true,
  recommendations: true,
  runbook: true,
  alternatives: true,
});
export type ModelReport = z.infer<typeof ModelReportSchema>;

/** JSON schema for Ollama's `format` (structured outputs); `$schema` is dropped as Ollama has no use for it. */
export function modelReportJsonSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(ModelReportSchema) as Record<string, unknown>;
  return schema;
}

/** Small, meaning-preserving fixes before validation: `"High"` is what the model meant by `"high"`. */
function normalize(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const draft = { ...(value as Record<string, unknown>) };
  if (typeof draft.confidence === 'string') draft.confidence = draft.confidence.trim().toLowerCase();
  if (draft.suspect && typeof draft.suspect === 'object' && !Array.isArray(draft.suspect)) {
    const suspect = { ...(draft.suspect as Record<string, unknown>) };
    if (typeof suspect.kind === 'string') suspect.kind = suspect.kind.trim().toLowerCase();
    for (const key of ['id', 'service'] as const) if (suspect[key] === null || suspect[key] === '') delete suspect[key];
    draft.suspect = suspect;
  }
  if (draft.suspect === null) delete draft.suspect;
  if (draft.alternatives === null) delete draft.alternatives;
  if (draft.runbook === null) delete draft.runbook;
  return draft;
}

/** Text a model produced around its JSON: reasoning blocks and markdown fences. */
function extractJson(text: string): string {
  let body = withoutThinking(text).trim();
  const fenced = firstFence(body);
  if (fenced) body = fenced.trim();
  if (!body.startsWith('{')) {
    const first = body.indexOf('{');
    const last = body.lastIndexOf('}');
    if (first >= 0 && last > first) body = body.slice(first, last + 1);
  }
  return body;
}

/**
 * `<think>…</think>` blocks removed; an unclosed one is kept as text. Index searches rather than a lazy regex, whose
 * retries from every unclosed `<think>` made a long answer cost quadratic time.
 */
function withoutThinking(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('<think>', from);
    if (open < 0) return out + text.slice(from);
    const close = text.indexOf('</think>', open);
    if (close < 0) return out + text.slice(from);
    out += text.slice(from, open);
    from = close + '</think>'.length;
  }
}

/** The body of the first ```/```json fence that is closed, or undefined; linear for the same reason. */
function firstFence(text: string): string | undefined {
  const open = text.indexOf('```');
  if (open < 0) return undefined;
  let start = open + 3;
  if (text.startsWith('json', start)) start += 4;
  while (start < text.length && /\s/.test(text[start] ?? '')) start += 1;
  const close = text.indexOf('```', start);
  return close < 0 ? undefined : text.slice(start, close);
}

export type ParseResult = { ok: true; report: ModelReport } | { ok: false; error: string };

/** Parses and validates a model's final answer; the error text is written to be sent back to the model. */
export function parseModelReport(text: string): ParseResult {
  const body = extractJson(text);
  if (body === '') return { ok: false, error: 'the answer was empty; reply with the JSON report' };
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: `the answer is not valid JSON (${(error as Error).message})` };
  }
  const parsed = ModelReportSchema.safeParse(normalize(data));
  if (parsed.success) return { ok: true, report: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, error: `the JSON does not match the report schema: ${issues}` };
}
