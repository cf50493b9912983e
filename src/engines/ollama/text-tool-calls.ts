import type { ChatToolCall } from './provider.js';

/**
 * Tool calls a model wrote into its message text. Ollama parses tool calls with the model's chat template; when the
 * template's parser misses (a quantised model drifting from the exact format, a custom Modelfile, a fine-tune), the
 * call arrives as prose and an agent that only reads `tool_calls` ends the analysis without calling anything. These
 * are the forms local model families are trained to emit; only names of tools that exist count, anything else stays
 * prose.
 */

export type TextToolCallForm =
  | '<tool_call> tag (Qwen/Hermes)'
  | '<function=…> tag (Llama/Qwen3-Coder)'
  | '[TOOL_CALLS] (Mistral)'
  | '<|python_tag|> JSON (Llama)'
  | 'fenced JSON'
  | 'bare JSON';

export interface TextToolCalls {
  form: TextToolCallForm;
  calls: ChatToolCall[];
  /** The text with the calls taken out: what the model said around them. */
  prose: string;
}

/** Longest message text searched: a tool call is short; a huge text is an answer or a loop, not a call. */
export const MAX_SCANNED_CHARS = 64_000;
/** Candidate JSON starts tried per text, from the end: bounds the work on text full of braces. */
const MAX_JSON_CANDIDATES = 16;
/** Calls taken from one text; the loop refuses more than its per-turn bound anyway. */
const MAX_TEXT_CALLS = 16;

/**
 * Reasoning a model put in its content (`<think>…</think>`; also a block the template opened in the prompt, so only
 * its `</think>` arrives, and one left unclosed at the end) is never a call. Index searches, so the cost stays
 * linear however many tags the text holds.
 */
export function stripThinking(raw: string): string {
  let text = raw;
  const firstClose = text.indexOf('</think>');
  const firstOpen = text.indexOf('<think>');
  if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen)) text = text.slice(firstClose + '</think>'.length);
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('<think>', from);
    if (open < 0) return out + text.slice(from);
    out += text.slice(from, open);
    const close = text.indexOf('</think>', open);
    if (close < 0) return out;
    from = close + '</think>'.length;
  }
}

/**
 * End index (exclusive) of the JSON object or array starting at `start`, or -1. One pass, string- and escape-aware,
 * so its cost is linear in the text however the braces nest.
 */
export function jsonEnd(text: string, start: number): number {
  const open = text[start];
  if (open !== '{' && open !== '[') return -1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth += 1;
    else if (ch === '}' || ch === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `arguments` as an object or as a JSON string of one (both occur); undefined when it is neither. */
function toArguments(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return {};
  if (typeof raw === 'string') return raw.trim() === '' ? {} : asObject(parseJson(raw));
  return asObject(raw);
}

/**
 * One call object in any of the shapes models use: `{name, arguments}` (Hermes, Qwen, Mistral), `{name, parameters}`
 * (Llama), `{type: "function", function: {name, arguments}}` (OpenAI-style). `requireArgs` keeps a bare JSON answer
 * that merely has a `name` field from being taken for a call.
 */
function toCall(value: unknown, isTool: (name: string) => boolean, requireArgs: boolean): ChatToolCall | undefined {
  const object = asObject(value);
  if (!object) return undefined;
  const inner = asObject(object.function) ?? object;
  const name = typeof inner.name === 'string' ? inner.name.trim() : undefined;
  if (!name || !isTool(name)) return undefined;
  const hasArgs = 'arguments' in inner || 'parameters' in inner;
  if (requireArgs && !hasArgs) return undefined;
  const args = toArguments(inner.arguments ?? inner.parameters);
  return args ? { name, arguments: args } : undefined;
}

/** A parsed JSON value as a list of calls: every element must be a call, else it is not a tool call at all. */
function toCalls(value: unknown, isTool: (name: string) => boolean, requireArgs: boolean): ChatToolCall[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0 || items.length > MAX_TEXT_CALLS) return undefined;
  const calls: ChatToolCall[] = [];
  for (const item of items) {
    const call = toCall(item, isTool, requireArgs);
    if (!call) return undefined;
    calls.push(call);
  }
  return calls;
}

/** The first JSON value at or after `from` (whitespace only in between), with its end. */
function jsonAt(text: string, from: number): { value: unknown; end: number } | undefined {
  let start = from;
  while (start < text.length && /\s/.test(text[start] ?? '')) start += 1;
  const end = jsonEnd(text, start);
  if (end < 0) return undefined;
  const value = parseJson(text.slice(start, end));
  return value === undefined ? undefined : { value, end };
}

function result(form: TextToolCallForm, calls: ChatToolCall[], prose: string): TextToolCalls | undefined {
  return calls.length > 0 ? { form, calls: calls.slice(0, MAX_TEXT_CALLS), prose: prose.replace(/\n{3,}/g, '\n\n').trim() } : undefined;
}

/** `<tool_call>{json}</tool_call>` blocks; the last may be unclosed when the model stopped at the end token. */
function toolCallTags(text: string, isTool: (name: string) => boolean): TextToolCalls | undefined {
  if (!text.includes('<tool_call>')) return undefined;
  const calls: ChatToolCall[] = [];
  let prose = text;
  const blocks = text.split('<tool_call>').slice(1);
  for (const block of blocks.slice(0, MAX_TEXT_CALLS)) {
    const body = block.split('</tool_call>')[0] ?? '';
    const fromFunctionTag = functionTagCalls(body, isTool);
    const parsed = fromFunctionTag ? fromFunctionTag.calls : toCalls(jsonAt(body, 0)?.value, isTool, false);
    if (!parsed) continue;
    calls.push(...parsed);
    // This block's own closing tag: the first one in the text may belong to an earlier block that was not a call.
    const closed = `<tool_call>${body}</tool_call>`;
    prose = prose.includes(closed) ? prose.replace(closed, '') : prose.replace(`<tool_call>${body}`, '');
  }
  return result('<tool_call> tag (Qwen/Hermes)', calls, prose);
}

/**
 * `<function=name>{json}</function>` (Llama 3.1's custom tool format) and `<function=name><parameter=k>v</parameter>`
 * (Qwen3-Coder's XML form).
 */
function functionTagCalls(text: string, isTool: (name: string) => boolean): TextToolCalls | undefined {
  if (!text.includes('<function=')) return undefined;
  const calls: ChatToolCall[] = [];
  let prose = text;
  const pattern = /<function=([A-Za-z0-9_.:-]{1,128})>([\s\S]*?)(?:<\/function>|$)/g;
  for (const match of text.matchAll(pattern)) {
    if (calls.length >= MAX_TEXT_CALLS) break;
    const name = match[1] ?? '';
    const body = match[2] ?? '';
    if (!isTool(name)) continue;
    let args: Record<string, unknown> | undefined;
    if (body.includes('<parameter=')) {
      args = xmlParameters(body);
    } else if (body.trim() === '') {
      args = {};
    } else {
      args = asObject(jsonAt(body, 0)?.value);
    }
    if (!args) continue;
    calls.push({ name, arguments: args });
    prose = prose.replace(match[0], '');
  }
  return result('<function=…> tag (Llama/Qwen3-Coder)', calls, prose);
}

/** `<parameter=k>v</parameter>` pairs, by index search so an unclosed tag costs one pass, not one per tag. */
function xmlParameters(body: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const piece of body.split('<parameter=').slice(1, MAX_TEXT_CALLS * 4)) {
    const close = piece.indexOf('>');
    const end = piece.indexOf('</parameter>');
    if (close < 1 || end < close) continue;
    const key = piece.slice(0, close).trim();
    const raw = piece.slice(close + 1, end).trim();
    const parsed = parseJson(raw);
    args[key] = parsed !== undefined && typeof parsed !== 'object' ? parsed : raw;
  }
  return args;
}

/** `[TOOL_CALLS] [{…}]` (Mistral v3 tokenizer) and `[TOOL_CALLS]name[ARGS]{…}` (v11: Mistral Small 3.2, Devstral). */
function mistralCalls(text: string, isTool: (name: string) => boolean): TextToolCalls | undefined {
  const at = text.indexOf('[TOOL_CALLS]');
  if (at < 0) return undefined;
  const prose = text.slice(0, at);
  const rest = text.slice(at);
  const calls: ChatToolCall[] = [];
  for (const segment of rest.split('[TOOL_CALLS]').slice(1, MAX_TEXT_CALLS + 1)) {
    const argsAt = segment.indexOf('[ARGS]');
    if (argsAt >= 0) {
      const name = segment.slice(0, argsAt).trim();
      const args = asObject(jsonAt(segment, argsAt + '[ARGS]'.length)?.value);
      if (isTool(name) && args) calls.push({ name, arguments: args });
      continue;
    }
    const parsed = toCalls(jsonAt(segment, 0)?.value, isTool, false);
    if (parsed) calls.push(...parsed);
  }
  return result('[TOOL_CALLS] (Mistral)', calls, prose);
}

/** `<|python_tag|>{"name": …, "parameters": …}` (Llama 3.1/3.2 JSON tool calling), several separated by `;`. */
function pythonTagCalls(text: string, isTool: (name: string) => boolean): TextToolCalls | undefined {
  const at = text.indexOf('<|python_tag|>');
  if (at < 0) return undefined;
  const calls: ChatToolCall[] = [];
  let cursor = at + '<|python_tag|>'.length;
  while (calls.length < MAX_TEXT_CALLS) {
    const found = jsonAt(text, cursor);
    const parsed = found && toCalls(found.value, isTool, false);
    if (!found || !parsed) break;
    calls.push(...parsed);
    cursor = found.end;
    while (cursor < text.length && /[\s;]/.test(text[cursor] ?? '')) cursor += 1;
  }
  return result('<|python_tag|> JSON (Llama)', calls, text.slice(0, at));
}

/** A fenced block (```json … ```) holding a call or a list of calls, as the text's last element. */
function fencedCalls(text: string, isTool: (name: string) => boolean): TextToolCalls | undefined {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith('```')) return undefined;
  const body = trimmed.slice(0, -3);
  const open = body.lastIndexOf('```');
  if (open < 0) return undefined;
  const inner = body.slice(open + 3).replace(/^[A-Za-z]*\s*\n?/, '');
  const found = jsonAt(inner, 0);
  if (!found || inner.slice(found.end).trim() !== '') return undefined;
  const calls = toCalls(found.value, isTool, true);
  return calls ? result('fenced JSON', calls, body.slice(0, open)) : undefined;
}

/** A JSON call or list of calls that is the whole text or ends it (Llama 3.x without its python tag, many others). */
function bareCalls(text: string, isTool: (name: string) => boolean): TextToolCalls | undefined {
  const trimmed = text.trimEnd();
  const last = trimmed.at(-1);
  if (last !== '}' && last !== ']') return undefined;
  // Candidate starts: the text's start and every line start with `{` or `[`, latest first.
  const starts: number[] = [];
  const first = trimmed.search(/\S/);
  if (first >= 0) starts.push(first);
  for (const match of trimmed.matchAll(/\n[ \t]*(?=[{[])/g)) starts.push((match.index ?? 0) + match[0].length);
  const tried = [...new Set(starts)].sort((a, b) => b - a).slice(0, MAX_JSON_CANDIDATES);
  for (const start of tried) {
    if (jsonEnd(trimmed, start) !== trimmed.length) continue;
    const calls = toCalls(parseJson(trimmed.slice(start)), isTool, true);
    if (calls) return result('bare JSON', calls, trimmed.slice(0, start));
  }
  return undefined;
}

/**
 * The tool calls written in a turn's text, in the first known form that yields at least one call to an existing
 * tool; undefined when the text is prose (or an answer). Reasoning blocks are removed first.
 */
export function parseTextToolCalls(rawText: string, isTool: (name: string) => boolean): TextToolCalls | undefined {
  const text = stripThinking(rawText.length > MAX_SCANNED_CHARS ? '' : rawText);
  if (text.trim() === '') return undefined;
  return (
    toolCallTags(text, isTool) ??
    mistralCalls(text, isTool) ??
    pythonTagCalls(text, isTool) ??
    functionTagCalls(text, isTool) ??
    fencedCalls(text, isTool) ??
    bareCalls(text, isTool)
  );
}
