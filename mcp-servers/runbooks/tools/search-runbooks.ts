import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import type { SearchHit } from '../catalog/catalog.js';
import { type RunbookHitOut, SearchRunbooksOutput } from '../schemas.js';
import { DATA_NOTE, linkOf, type RunbookToolContext } from './common.js';

const DEFAULT_RESULTS = 5;
const MAX_RESULTS = 20;
/** Steps printed per result in the text answer; read_runbook has them all. */
const STEPS_SHOWN = 5;

export function registerSearchRunbooksTool(server: McpServer, ctx: RunbookToolContext): void {
  server.registerTool(
    'search_runbooks',
    {
      title: 'Search runbooks',
      description:
        "Ranked runbook sections (the team's own procedures) for an incident, with why each matched: the service, the alert name, and the words it shares with the query. Query with the failure class and the top error signature; pass the affected service and the alert name when known. A result that matches no service and few words is probably not the right procedure.",
      inputSchema: {
        query: z
          .string()
          .max(2_000)
          .optional()
          .describe(
            'Words to match: the failure class and the error signature, e.g. "connection pool exhausted timeout acquiring connection".',
          ),
        service: z
          .string()
          .max(200)
          .optional()
          .describe('Only runbooks for this service (front matter, folder, or named in the text), e.g. checkout-api.'),
        alert: z
          .string()
          .max(200)
          .optional()
          .describe('The alert name (alertname label), e.g. CheckoutHighErrorRate; runbooks declaring it rank first.'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_RESULTS)
          .optional()
          .describe(`How many sections (default ${DEFAULT_RESULTS}, max ${MAX_RESULTS}).`),
      },
      outputSchema: SearchRunbooksOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args) => {
      ctx.catalog.refresh();
      if (ctx.catalog.runbookCount === 0) {
        const note = `no runbooks indexed (${ctx.where}); set RUNBOOKS_PATH to a folder of Markdown runbooks`;
        return toolOk(`No runbooks: ${note}.`, { results: [], total: 0, runbooks: 0, note });
      }
      const { hits, total } = ctx.catalog.search({ ...args, limit: args.limit ?? DEFAULT_RESULTS });
      const results = hits.map((hit) => hitOut(ctx, hit));
      const asked = [
        args.query ? `"${args.query.slice(0, 120)}"` : '',
        args.service ? `service ${args.service}` : '',
        args.alert ? `alert ${args.alert}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      const header = `${total} runbook section(s) match ${asked} among ${ctx.catalog.runbookCount} runbooks${total > 0 ? `, best first ${DATA_NOTE}:` : '.'}`;
      const lines = results.flatMap((result, index) => renderHit(result, index));
      return toolOk(renderBounded(header, lines, lines.length), { results, total, runbooks: ctx.catalog.runbookCount });
    }),
  );
}

function hitOut(ctx: RunbookToolContext, hit: SearchHit): RunbookHitOut {
  return {
    id: hit.runbook.id,
    title: hit.runbook.title,
    section: hit.section.slug,
    sectionTitle: hit.section.title,
    services: hit.runbook.services,
    alerts: hit.runbook.alerts,
    ...linkOf(ctx, hit.runbook.id, hit.section.slug),
    score: Math.round(hit.score * 1e6) / 1e6,
    why: { service: hit.service, alert: hit.alert, terms: hit.terms },
    steps: hit.section.steps,
    procedure: hit.section.procedure,
  };
}

export function whyText(why: RunbookHitOut['why'], service?: string): string {
  const parts: string[] = [];
  if (why.alert) parts.push(`declared for alert ${why.alert}`);
  if (why.service)
    parts.push(
      `service ${service ?? ''} ${why.service === 'declared' ? '(front matter)' : why.service === 'path' ? '(folder)' : '(named in the text)'}`.replace(
        '  ',
        ' ',
      ),
    );
  if (why.terms.length > 0) parts.push(`shared words: ${why.terms.join(', ')}`);
  return parts.join('; ') || 'no shared words';
}

function renderHit(result: RunbookHitOut, index: number): string[] {
  const lines = [
    `${index + 1}. ${result.id}#${result.section} — "${result.title}" › ${result.sectionTitle}`,
    `   why: ${whyText(result.why, result.services.join('/'))}`,
  ];
  if (result.link) lines.push(`   link: ${result.link}`);
  result.steps.slice(0, STEPS_SHOWN).forEach((step, n) => {
    lines.push(`   ${n + 1}. ${step}`);
  });
  if (result.steps.length > STEPS_SHOWN) lines.push(`   … ${result.steps.length - STEPS_SHOWN} more steps (read_runbook)`);
  return lines;
}
