import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { DEFAULT_LIMIT, guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { deploymentLine, deploymentOut } from '../render.js';
import { DeploymentListOutput } from '../schemas.js';
import {
  describeWindow,
  type GitToolContext,
  limitField,
  resolveService,
  resolveWindow,
  serviceField,
  sinceField,
  untilField,
} from './common.js';

export function registerGetDeploymentsTool(server: McpServer, ctx: GitToolContext): void {
  server.registerTool(
    'get_deployments',
    {
      title: 'Deployments',
      description:
        'Deployments (or release tags) in a time window, newest first, each with service, version, environment, status and the commits it shipped. Use it to line deploys up against when errors began.',
      inputSchema: {
        since: sinceField,
        until: untilField,
        service: serviceField,
        environment: z.string().optional().describe('Only this environment (case-insensitive), e.g. production or staging. Default: all.'),
        limit: limitField,
      },
      outputSchema: DeploymentListOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args) => {
      const window = await resolveWindow(ctx.backend, args);
      const service = await resolveService(ctx.backend, args.service);
      const listing = await ctx.backend.deployments(window);
      const environment = args.environment?.trim().toLowerCase() || undefined;
      const matched = listing.items.filter(
        (d) => (!service || d.service === service) && (!environment || d.environment.toLowerCase() === environment),
      );
      const shown = matched.slice(0, args.limit ?? DEFAULT_LIMIT);
      const filters = [service ? `service ${service}` : '', environment ? `environment ${environment}` : ''].filter(Boolean).join(', ');
      let header = `Deployments ${describeWindow(window)}${filters ? ` for ${filters}` : ''} in ${ctx.backend.label}: ${matched.length} matched${matched.length > 0 ? ', newest first' : ''}.`;
      if (environment && matched.length === 0 && listing.items.length > 0) {
        const envs = [...new Set(listing.items.map((d) => d.environment))].sort();
        header += ` Environments in this window: ${envs.join(', ')}.`;
      }
      const text = renderBounded([listing.note, header].filter(Boolean).join('\n'), shown.map(deploymentLine), matched.length);
      return toolOk(text, {
        deployments: shown.map(deploymentOut),
        total: matched.length,
        truncated: shown.length < matched.length,
        ...(listing.note ? { note: listing.note } : {}),
      });
    }),
  );
}
