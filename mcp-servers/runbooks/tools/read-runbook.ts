import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { guarded, ToolInputError, toolOk } from '../../shared/tool-result.js';
import { type Resolved, resolveRunbookUrl } from '../catalog/links.js';
import type { Runbook } from '../catalog/parse.js';
import { ReadRunbookOutput } from '../schemas.js';
import { DATA_NOTE, linkOf, type RunbookToolContext } from './common.js';

/** A section is returned up to this many characters: a procedure, not a book. */
const MAX_SECTION_CHARS = 6_000;

export function registerReadRunbookTool(server: McpServer, ctx: RunbookToolContext): void {
  server.registerTool(
    'read_runbook',
    {
      title: 'Read a runbook',
      description:
        "One runbook section's Markdown and steps. Give the id from search_runbooks, or an alert's runbook_url as url (resolved against RUNBOOKS_BASE_URL or the runbook file paths). Without section: the URL's #anchor, else the first procedure section with steps (Mitigation, Steps …; not Symptoms).",
      inputSchema: {
        id: z.string().max(1_000).optional().describe('The runbook id from search_runbooks, e.g. checkout-api/db-pool-exhausted.md.'),
        url: z
          .string()
          .max(2_000)
          .optional()
          .describe(
            "Instead of id: an alert's runbook_url annotation, e.g. https://runbooks.example.com/checkout-api/db-pool-exhausted.md#mitigation.",
          ),
        section: z.string().max(300).optional().describe('The section anchor (slug) or heading, e.g. mitigation.'),
      },
      outputSchema: ReadRunbookOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args) => {
      ctx.catalog.refresh();
      if ((args.id === undefined) === (args.url === undefined))
        throw new ToolInputError('give exactly one of id and url', 'id from search_runbooks, or url from an alert');
      const resolved: Resolved | { runbook: Runbook; section?: string } = args.url
        ? resolveRunbookUrl(args.url, ctx.catalog.runbooks(), ctx.baseUrl)
        : { runbook: byId(ctx, args.id ?? '') };
      const { runbook } = resolved;
      const wanted = args.section ?? resolved.section;
      const section = wanted
        ? findSection(runbook, wanted)
        : (runbook.sections.find((s) => s.procedure && s.steps.length > 0) ??
          runbook.sections.find((s) => s.steps.length > 0) ??
          runbook.sections[0]);
      if (!section) throw new ToolInputError(`runbook ${runbook.id} has no text`);
      const truncated = section.markdown.length > MAX_SECTION_CHARS;
      const markdown = truncated ? `${section.markdown.slice(0, MAX_SECTION_CHARS)}\n…` : section.markdown;
      const structured = {
        id: runbook.id,
        title: runbook.title,
        services: runbook.services,
        alerts: runbook.alerts,
        tags: runbook.tags,
        ...linkOf(ctx, runbook.id, section.slug),
        ...('how' in resolved ? { resolvedFrom: resolved.how } : {}),
        sections: runbook.sections.map((s) => ({ section: s.slug, title: s.title, steps: s.steps.length, procedure: s.procedure })),
        section: { section: section.slug, title: section.title, markdown, truncated, steps: section.steps },
      };
      const text = [
        `Runbook ${runbook.id} — "${runbook.title}"${'how' in resolved ? ` (from url, matched by ${resolved.how === 'base-url' ? 'RUNBOOKS_BASE_URL' : 'file path'})` : ''}`,
        `Services: ${runbook.services.join(', ') || '(none)'}${runbook.alerts.length > 0 ? ` · alerts: ${runbook.alerts.join(', ')}` : ''}`,
        ...(structured.link ? [`Link: ${structured.link}`] : []),
        `Sections: ${runbook.sections.map((s) => s.slug).join(', ')}`,
        `Section ${section.slug} — ${section.title} ${DATA_NOTE}:`,
        markdown,
        ...(section.steps.length > 0 ? ['Steps:', ...section.steps.map((step, n) => `  ${n + 1}. ${step}`)] : []),
      ].join('\n');
      return toolOk(text, structured);
    }),
  );
}

function byId(ctx: RunbookToolContext, id: string): Runbook {
  const runbook = ctx.catalog.get(id.trim());
  if (runbook) return runbook;
  throw new ToolInputError(
    `no runbook ${id}${ctx.catalog.runbookCount === 0 ? ` (no runbooks indexed: ${ctx.where})` : ''}`,
    'use an id exactly as search_runbooks returned it',
  );
}

function findSection(runbook: Runbook, wanted: string) {
  const key = wanted.trim().replace(/^#/, '').toLowerCase();
  const found = runbook.sections.find((s) => s.slug === key || s.title.toLowerCase() === key);
  if (found) return found;
  throw new ToolInputError(`runbook ${runbook.id} has no section ${wanted}`, `sections: ${runbook.sections.map((s) => s.slug).join(', ')}`);
}
