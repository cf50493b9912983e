import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/**
 * Which of a server's tools the model may see. Least privilege by default: a tool that does not declare
 * `readOnlyHint: true` is withheld unless the operator names it in `allowTools`; `denyTools` always wins.
 */

/** Tool descriptions are read by the model on every turn; a server must not fill the context (or smuggle instructions). */
export const MAX_TOOL_DESCRIPTION_CHARS = 1_000;
/** Longest tool name a glob is matched against; MCP names are short identifiers. */
const MAX_TOOL_NAME_CHARS = 128;

export interface ToolPolicy {
  allowTools?: string[];
  denyTools?: string[];
}

export interface Withheld {
  tool: string;
  reason: string;
}

/** `get_*`, `list_?ssues`: `*` is any run of characters, `?` one; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function matchesAny(name: string, globs: readonly string[] | undefined): string | undefined {
  if (!globs || name.length > MAX_TOOL_NAME_CHARS) return undefined;
  return globs.find((glob) => globToRegExp(glob).test(name));
}

export function applyToolPolicy(tools: readonly Tool[], policy: ToolPolicy): { offered: Tool[]; withheld: Withheld[] } {
  const offered: Tool[] = [];
  const withheld: Withheld[] = [];
  for (const tool of tools) {
    const denied = matchesAny(tool.name, policy.denyTools);
    if (denied !== undefined) {
      withheld.push({ tool: tool.name, reason: `denied by denyTools "${denied}"` });
      continue;
    }
    if (policy.allowTools) {
      if (matchesAny(tool.name, policy.allowTools) === undefined) withheld.push({ tool: tool.name, reason: 'not in allowTools' });
      else offered.push(capDescription(tool));
      continue;
    }
    if (tool.annotations?.readOnlyHint !== true) {
      withheld.push({ tool: tool.name, reason: 'does not declare readOnlyHint: true (name it in allowTools to offer it anyway)' });
      continue;
    }
    offered.push(capDescription(tool));
  }
  return { offered, withheld };
}

function capDescription(tool: Tool): Tool {
  const description = tool.description ?? '';
  if (description.length <= MAX_TOOL_DESCRIPTION_CHARS) return tool;
  return { ...tool, description: `${description.slice(0, MAX_TOOL_DESCRIPTION_CHARS - 1)}…` };
}
