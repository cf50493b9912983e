import { z } from 'zod';

/**
 * The root-cause report every engine produces and every surface (CLI, Slack) renders.
 * It is also sent to Ollama as the structured-output `format`, so descriptions here are read by the model.
 */

export const ConfidenceSchema = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof ConfidenceSchema>;

export const SuspectKindSchema = z.enum(['deployment', 'commit', 'config', 'dependency', 'infrastructure', 'capacity', 'unknown']);
export type SuspectKind = z.infer<typeof SuspectKindSchema>;

export const SuspectSchema = z.object({
  kind: SuspectKindSchema,
  id: z.string().optional().describe('the deployment id or version, or the commit sha'),
  service: z.string().optional(),
});
export type Suspect = z.infer<typeof SuspectSchema>;

export const TimelineEntrySchema = z.object({
  at: z.string().describe('ISO-8601 time'),
  source: z.string().describe('logs, git, deployments, metrics …'),
  event: z.string(),
  evidence: z.array(z.string()).optional().describe('ids of evidence items supporting this entry'),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const EvidenceSchema = z.object({
  id: z.string().describe('short id such as E1'),
  source: z.string(),
  tool: z.string().describe('the id of the tool call that produced it, e.g. T3'),
  summary: z.string(),
  quote: z.string().optional().describe('verbatim text from that tool call output; never paraphrased'),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const ToolCallRecordSchema = z.object({
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  ms: z.number(),
  ok: z.boolean(),
});
export type ToolCallRecord = z.infer<typeof ToolCallRecordSchema>;

export const AlternativeSchema = z.object({ hypothesis: z.string(), whyLessLikely: z.string() });

/** A past incident like this one (incident memory), shown with why it matched; never evidence for this one. */
export const SimilarPastSchema = z.object({
  analysisId: z.string(),
  at: z.string().describe('ISO time of the past analysis'),
  summary: z.string(),
  confirmedCause: z.string().optional(),
  score: z.number(),
  reasons: z.array(z.string()),
  link: z.string().optional().describe('permalink of its Slack thread'),
});
export type SimilarPast = z.infer<typeof SimilarPastSchema>;

/**
 * The team's own runbook that fits this incident: the section whose steps apply, quoted verbatim from the tool call
 * that read it (checked like evidence quotes), and why it fits. Untrusted text: the surfaces escape it.
 */
export const RunbookRefSchema = z.object({
  id: z.string().describe('the runbook id as search_runbooks / read_runbook gave it, e.g. checkout-api/db-pool.md'),
  title: z.string(),
  section: z.string().optional().describe('the heading of the section the steps come from'),
  link: z.string().optional().describe('the link the tool gave (RUNBOOKS_BASE_URL + path), if any'),
  steps: z.array(z.string()).describe('the steps, verbatim from the tool output; never paraphrased'),
  why: z.array(z.string()).describe('why it fits: the alert linked it, the service, the alert name, shared words'),
  tool: z.string().describe('the id of the tool call that returned the steps, e.g. T9'),
});
export type RunbookRef = z.infer<typeof RunbookRefSchema>;

export const ReportSchema = z.object({
  incident: z.string(),
  window: z.object({ start: z.string(), end: z.string() }),
  summary: z.string().describe('one line: what broke and why'),
  rootCause: z.string().describe('a paragraph'),
  confidence: ConfidenceSchema,
  suspect: SuspectSchema.optional(),
  timeline: z.array(TimelineEntrySchema),
  evidence: z.array(EvidenceSchema),
  recommendations: z.array(z.string()).describe('actions; one taken from the runbook names its step, e.g. "(runbook step 2)"'),
  runbook: RunbookRefSchema.optional().describe('only a runbook that fits the failing service and the failure; omit when none fits'),
  alternatives: z.array(AlternativeSchema).optional(),
  engine: z.string().describe("'ollama:<model>' or 'builtin'"),
  toolCalls: z.array(ToolCallRecordSchema),
  durationMs: z.number(),
  notes: z.array(z.string()).optional().describe('what the engine wants the reader to know: fallbacks, dropped quotes'),
  /** Set when a language model wrote the text: every surface then says "AI analysis — verify before acting". */
  aiGenerated: z.boolean().optional(),
  /** Set when the servers read a bundled dataset, not live systems: every surface stamps "sample data: <name>". */
  sampleData: z.string().optional(),
  /**
   * Configured sources that did not answer (a server that did not start, or whose every call failed): the report is
   * incomplete, never an all-clear; the CLI exits 3 and every surface names them.
   */
  incomplete: z.array(z.object({ source: z.string(), reason: z.string() })).optional(),
  /** Past incidents like this one (at most three), added by the Slack worker from its memory. */
  similar: z.array(SimilarPastSchema).optional(),
});
export type Report = z.infer<typeof ReportSchema>;
