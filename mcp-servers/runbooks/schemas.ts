import { z } from 'zod';

/** The structuredContent contract of the runbooks server's tools (see logs/schemas.ts for the rule on changes). */

export const WhySchema = z.object({
  service: z
    .enum(['declared', 'path', 'text'])
    .nullable()
    .describe('how the runbook covers the asked service: front matter or a Service: line, its folder, or named in its text'),
  alert: z.string().nullable().describe('the alert name the runbook declares, when it matched the asked alert'),
  terms: z.array(z.string()).describe('query words the section shares (after stemming)'),
});
export type WhyOut = z.infer<typeof WhySchema>;

export const RunbookHitSchema = z.object({
  id: z.string().describe('the runbook file relative to RUNBOOKS_PATH; pass it to read_runbook'),
  title: z.string(),
  section: z.string().describe('the section anchor (slug)'),
  sectionTitle: z.string(),
  services: z.array(z.string()),
  alerts: z.array(z.string()),
  link: z.string().optional().describe('RUNBOOKS_BASE_URL + path + #section, when RUNBOOKS_BASE_URL is set'),
  score: z.number().describe('BM25, higher is better; compare only within one answer'),
  why: WhySchema,
  steps: z.array(z.string()).describe("the section's list items, verbatim (cut at 300 characters)"),
  procedure: z.boolean().describe('false for a section that describes (Symptoms, Impact, Escalation …): its list is not steps to take'),
});
export type RunbookHitOut = z.infer<typeof RunbookHitSchema>;

export const SearchRunbooksOutput = z.object({
  results: z.array(RunbookHitSchema).describe('best first'),
  total: z.number().int(),
  runbooks: z.number().int().describe('runbooks indexed'),
  note: z.string().optional(),
});

export const ReadRunbookOutput = z.object({
  id: z.string(),
  title: z.string(),
  services: z.array(z.string()),
  alerts: z.array(z.string()),
  tags: z.array(z.string()),
  link: z.string().optional(),
  resolvedFrom: z.enum(['base-url', 'path']).optional().describe('how a url argument was matched to this runbook'),
  sections: z.array(z.object({ section: z.string(), title: z.string(), steps: z.number().int(), procedure: z.boolean() })),
  section: z.object({
    section: z.string(),
    title: z.string(),
    markdown: z.string().describe('the section text, cut at 6,000 characters'),
    truncated: z.boolean(),
    steps: z.array(z.string()),
  }),
});
