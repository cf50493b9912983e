import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ToolOutcome } from '../agent/types.js';

/**
 * Tool failure is data: whatever a call did — returned, returned isError, threw, timed out, was aborted, lost its
 * server — the engine gets a ToolOutcome whose text a model can read and act on. Protocol details stay out of it.
 */

interface ContentItem {
  type: string;
  text?: string;
  uri?: string;
  resource?: { uri?: string; text?: string };
  mimeType?: string;
}

export function contentToText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const raw of content as ContentItem[]) {
    if (raw?.type === 'text' && typeof raw.text === 'string') parts.push(raw.text);
    else if (raw?.type === 'resource' && typeof raw.resource?.text === 'string') parts.push(raw.resource.text);
    else if (raw?.type === 'resource_link' && raw.uri) parts.push(`[resource ${raw.uri}]`);
    else if (raw?.type) parts.push(`[${raw.type}${raw.mimeType ? ` ${raw.mimeType}` : ''} omitted]`);
  }
  return parts.join('\n');
}

export function resultToOutcome(result: Record<string, unknown>, ms: number): ToolOutcome {
  const ok = result.isError !== true;
  let text = contentToText(result.content);
  const structured =
    result.structuredContent && typeof result.structuredContent === 'object'
      ? (result.structuredContent as Record<string, unknown>)
      : undefined;
  // A tool may put everything in structuredContent; the model still needs to read something.
  if (text.trim() === '' && structured) text = JSON.stringify(structured);
  if (!ok && !/^Error\b/i.test(text)) text = `Error: ${text || 'the tool reported a failure without a message'}`;
  return { ok, text, ...(structured ? { structured } : {}), ms };
}

export function failure(message: string, hint: string | undefined, ms: number): ToolOutcome {
  return { ok: false, text: hint ? `Error: ${message}\nHint: ${hint}` : `Error: ${message}`, ms };
}

/** Maps what `client.callTool` threw to an outcome; `signal` tells a user abort apart from a timeout. */
export function errorToOutcome(
  error: unknown,
  context: { server: string; tool: string; timeoutMs: number; signal?: AbortSignal },
  ms: number,
): ToolOutcome {
  if (context.signal?.aborted) return failure(`call to ${context.tool} was cancelled`, undefined, ms);
  if (error instanceof McpError) {
    switch (error.code) {
      case ErrorCode.RequestTimeout:
        return failure(
          `${context.tool} timed out after ${context.timeoutMs} ms`,
          'narrow the query (a shorter time window, one service, a lower limit) or use another tool',
          ms,
        );
      case ErrorCode.ConnectionClosed:
        return failure(
          `server ${context.server} exited during the call to ${context.tool}`,
          'the host is restarting it; retry once later or use other tools',
          ms,
        );
      case ErrorCode.InvalidParams:
        return failure(
          `invalid arguments for ${context.tool}: ${stripCode(error.message)}`,
          'check the arguments against the tool schema',
          ms,
        );
      case ErrorCode.MethodNotFound:
        return failure(`${context.tool} is not available on server ${context.server}`, 'use one of the listed tools', ms);
      default:
        return failure(`${context.tool} failed: ${stripCode(error.message)}`, 'try other tools', ms);
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return failure(`${context.tool} failed: ${message}`, 'try other tools', ms);
}

/** McpError prefixes "MCP error -32602: "; the model gains nothing from the number. */
function stripCode(message: string): string {
  return message.replace(/^MCP error -?\d+:\s*/, '');
}
