import { ToolSession } from '../../agent/tool-session.js';
import type { AgentEvent, AnalyzeRequest, Engine, HostTool, Report, ToolHost } from '../../agent/types.js';
import { finalizeReport } from '../../report/finalize.js';
import { type ModelReport, modelReportJsonSchema, parseModelReport } from '../../report/model-schema.js';
import { screenModelReport } from '../../report/screen.js';
import { inferWindow } from '../../report/window.js';
import { Compactor, estimateTokens, headAndTail } from './compaction.js';
import { isAbortError, OllamaError } from './errors.js';
import { fallbackReport } from './fallback.js';
import { LoopGuard } from './loop-guard.js';
import { contextPressure, retryWaitMs, sleep } from './pressure.js';
import { buildUserPrompt, FINAL_INSTRUCTION, systemPrompt, toolResultMessage } from './prompt.js';
import type { ChatMessage, ChatProvider, ChatResponse, ChatToolCall, ChatToolSpec, ThinkSetting } from './provider.js';
import { parseTextToolCalls } from './text-tool-calls.js';
import { createFence } from './untrusted.js';

/** Model turns in one analysis, the last of which gets no tools: 8B models settle within ~8 tool rounds, and each costs seconds to minutes. */
export const MAX_ROUNDS = 10;
/** Tool calls run from one model turn: a model emitting dozens at once is looping, not investigating. */
export const MAX_CALLS_PER_TURN = 8;
/** Repair requests after an invalid final answer: one, then the fallback report. */
export const FINAL_REPAIR_ATTEMPTS = 1;
/** Retries of a model turn that failed server-side (an error line mid-stream, a 500): once, then give up. */
export const MODEL_RETRIES = 1;
/** Characters of one tool result that enter the context; the full output stays recorded for quote checks. */
export const DEFAULT_TOOL_RESULT_CHARS = 6_000;
/** Share of num_ctx in use at which the user is told, and results are cut harder. */
export const CONTEXT_WARN_RATIO = 0.8;
/** Share of the deadline after which no new tool round starts, leaving time for the answer. */
export const TOOL_PHASE_SHARE = 0.75;

export interface OllamaEngineOptions {
  provider: ChatProvider;
  /** Ollama's num_ctx: the context window requested for every turn. */
  numCtx: number;
  deadlineMs: number;
  toolTimeoutMs?: number;
  maxRounds?: number;
  toolResultChars?: number;
  /** Produces an evidence pack for the first message; its calls go through the analysis' own session. */
  preflight?: (request: AnalyzeRequest, host: ToolHost) => Promise<string | undefined>;
  /** Ollama's `think` for tool turns and for the answer (OLLAMA_THINK); unset, the model's default applies. */
  think?: { tools?: ThinkSetting; answer?: ThinkSetting };
}

export function toChatTools(tools: readonly HostTool[]): ChatToolSpec[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: Object.keys(tool.inputSchema).length > 0 ? tool.inputSchema : { type: 'object', properties: {} },
  }));
}

/** A result over its budget goes to the model as head and tail with the lines left out counted. */
export const cutToBudget = headAndTail;

class DeadlineReached extends Error {}

/** A ToolHost whose calls are numbered and recorded by the analysis' session, for the preflight to use. */
function sessionHost(session: ToolSession): ToolHost {
  return {
    listTools: () => session.tools(),
    callTool: async (name, args, options) =>
      (await session.call(name, args, { ...(options?.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) })).outcome,
  };
}

export function createOllamaEngine(host: ToolHost, options: OllamaEngineOptions): Engine {
  return { name: options.provider.label, analyze: (request) => runAnalysis(host, options, request) };
}

async function runAnalysis(host: ToolHost, options: OllamaEngineOptions, request: AnalyzeRequest): Promise<Report> {
  const started = Date.now();
  const provider = options.provider;
  const maxRounds = Math.max(1, options.maxRounds ?? MAX_ROUNDS);
  const emit = (event: AgentEvent) => request.onEvent?.(event);
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
  const notes: string[] = [];
  const note = (message: string) => {
    notes.push(message);
    emit({ type: 'note', message });
  };
  const userAborted = () => request.signal?.aborted === true;
  const abortError = () => {
    const reason: unknown = request.signal?.reason;
    if (reason instanceof Error && reason.name === 'AbortError') return reason;
    const error = new Error('analysis aborted');
    error.name = 'AbortError';
    return error;
  };

  emit({ type: 'started', engine: provider.label, incident: request.incident });
  const fence = createFence();
  const session = new ToolSession(host, emit, signal);
  const chatOptions = { num_ctx: options.numCtx, temperature: 0 };
  let toolBudget = options.toolResultChars ?? DEFAULT_TOOL_RESULT_CHARS;
  let contextWarned = false;
  let round = 0;
  let toolRound = 0;
  let rateLimitHonoured = false;
  let lastCount: { estimate: number; server: number } | undefined;
  const compactor = new Compactor((id) => session.outputOf(id));
  const guard = new LoopGuard(session.tools(), note);

  /** One model turn; a transient server error is retried once, an abort tells user abort from the deadline. */
  const chat = async (
    messages: ChatMessage[],
    extra: { tools?: ChatToolSpec[]; format?: Record<string, unknown>; think?: ThinkSetting | undefined },
  ): Promise<ChatResponse> => {
    const toolsChars = JSON.stringify(extra.tools ?? []).length;
    const pressure = contextPressure(estimateTokens(messages, toolsChars), lastCount, options.numCtx);
    if (pressure) {
      const ids = compactor.compact(pressure.charsToFree);
      if (ids.length > 0) {
        guard.markCompacted(ids);
        note(
          `context compacted: about ${pressure.projected} of ${options.numCtx} tokens before the next turn, so ${ids.length} older tool result${ids.length === 1 ? ' was' : 's were'} summarised (${ids.join(', ')}); full outputs stay recorded for the quote check`,
        );
      }
    }
    for (let attempt = 0; ; attempt += 1) {
      if (userAborted()) throw abortError();
      if (deadline.aborted) throw new DeadlineReached();
      let wait: number | undefined;
      try {
        round += 1;
        const { think, ...rest } = extra;
        const response = await provider.chat({
          messages,
          ...rest,
          ...(think !== undefined ? { think } : {}),
          signal,
          options: chatOptions,
        });
        const estimate = estimateTokens(messages, toolsChars);
        lastCount = { estimate, server: response.promptTokens ?? estimate };
        const used = Math.max(response.promptTokens ?? 0, estimate);
        emit({
          type: 'model_turn',
          round,
          toolCalls: response.toolCalls.length,
          promptTokens: response.promptTokens ?? estimate,
          ...(response.outputTokens !== undefined ? { outputTokens: response.outputTokens } : {}),
          contextWindow: options.numCtx,
        });
        if (!contextWarned && used >= options.numCtx * CONTEXT_WARN_RATIO) {
          contextWarned = true;
          toolBudget = Math.max(1_000, Math.floor(toolBudget / 2));
          note(
            `context ${Math.round((used / options.numCtx) * 100)}% full (${used} of ${options.numCtx} tokens): later tool results cut to ${toolBudget} characters; raise OLLAMA_NUM_CTX if the model has room`,
          );
        }
        return response;
      } catch (error) {
        if (userAborted()) throw abortError();
        if (deadline.aborted && (isAbortError(error) || !(error instanceof OllamaError))) throw new DeadlineReached();
        if (error instanceof OllamaError && error.kind === 'server' && attempt < MODEL_RETRIES) {
          emit({ type: 'note', message: `${error.message}; retrying the turn once` });
          continue;
        }
        wait = rateLimitHonoured ? undefined : retryWaitMs(error, options.deadlineMs - (Date.now() - started));
        if (wait === undefined) throw error;
        rateLimitHonoured = true;
        note(`${(error as Error).message}; waiting ${Math.ceil(wait / 1000)} s as asked, once`);
      }
      await sleep(wait, signal).catch(() => {
        throw userAborted() ? abortError() : new DeadlineReached();
      });
    }
  };

  if (provider.preflight) {
    try {
      await provider.preflight(signal);
    } catch (error) {
      throw userAborted() ? abortError() : error;
    }
  }

  let evidencePack: string | undefined;
  if (options.preflight) {
    try {
      evidencePack = await options.preflight(request, sessionHost(session));
    } catch (error) {
      if (userAborted()) throw abortError();
      note(`pre-analysis failed and was skipped: ${(error as Error).message}`);
    }
  }

  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: systemPrompt(
        fence,
        session.tools().map((tool) => tool.serverToolName),
      ),
    },
    { role: 'user', content: buildUserPrompt(request, evidencePack, fence) },
  ];
  const tools = toChatTools(session.tools());
  const textForms = new Set<string>();
  let draft: ModelReport | undefined;
  let fallbackReason: string | undefined;

  /** One call the model asked for: refused by the guard, or run and sent back within the result budget. */
  const runCall = async (call: ChatToolCall, index: number): Promise<ChatMessage> => {
    if (index >= MAX_CALLS_PER_TURN) {
      return {
        role: 'tool',
        toolName: call.name,
        content: `[refused] at most ${MAX_CALLS_PER_TURN} calls per turn; call ${call.name} again next turn if it is still needed.`,
      };
    }
    const verdict = guard.check(call);
    if (!verdict.run) return { role: 'tool', toolName: call.name, content: verdict.message };
    const recorded = await session.call(call.name, call.arguments, {
      ...(options.toolTimeoutMs ? { timeoutMs: options.toolTimeoutMs } : {}),
    });
    const advice = guard.record(call, verdict.key, { id: recorded.id, ok: recorded.ok, text: recorded.outcome.text });
    const status = recorded.ok ? 'ok' : 'FAILED';
    const message: ChatMessage = {
      role: 'tool',
      toolName: call.name,
      content: `${toolResultMessage(fence, recorded.id, call.name, status, cutToBudget(recorded.outcome.text, toolBudget))}${advice ? `\n${advice}` : ''}`,
    };
    compactor.track(message, { id: recorded.id, tool: call.name, ok: recorded.ok }, toolRound);
    return message;
  };

  try {
    // Tool rounds: every round but the last offers tools; the last is the answer, with tools withheld.
    for (toolRound = 1; toolRound < maxRounds; toolRound += 1) {
      if (Date.now() - started > options.deadlineMs * TOOL_PHASE_SHARE) {
        note('time budget mostly spent: asking for the answer with the evidence gathered so far');
        break;
      }
      const offered = guard.offered(tools);
      if (offered.length === 0) break;
      const response = await chat(messages, { tools: offered, think: options.think?.tools });
      let calls = response.toolCalls;
      let content = response.content;
      if (calls.length === 0) {
        const written = parseTextToolCalls(response.content, (name) => session.hasTool(name));
        if (written) {
          // Once per form: a model that always writes its calls as text would otherwise fill the notes.
          if (!textForms.has(written.form)) {
            textForms.add(written.form);
            note(
              `the model wrote ${written.calls.length} tool call${written.calls.length === 1 ? '' : 's'} as text (${written.form}): run as real calls`,
            );
          }
          calls = written.calls;
          content = written.prose;
        }
      }
      if (calls.length === 0) {
        if (content.trim()) messages.push({ role: 'assistant', content });
        break;
      }
      messages.push({ role: 'assistant', content, toolCalls: calls });
      const results = await Promise.all(calls.map(runCall));
      if (userAborted()) throw abortError();
      messages.push(...results);
      const stop = guard.endRound();
      if (stop) {
        note(stop);
        break;
      }
      if (toolRound === maxRounds - 1) note(`reached the bound of ${maxRounds} model rounds: tools withheld to force an answer`);
    }

    // The answer: structured output, no tools; one repair attempt with the validation error.
    messages.push({ role: 'user', content: FINAL_INSTRUCTION });
    const format = modelReportJsonSchema();
    for (let attempt = 0; attempt <= FINAL_REPAIR_ATTEMPTS && !draft; attempt += 1) {
      const response = await chat(messages, { format, think: options.think?.answer });
      const parsed = parseModelReport(response.content);
      if (parsed.ok) {
        draft = parsed.report;
        if (attempt > 0) note('the first answer was not a valid report and was repaired');
        break;
      }
      fallbackReason = parsed.error;
      messages.push({ role: 'assistant', content: response.content });
      messages.push({ role: 'user', content: `That answer is invalid: ${parsed.error}. Reply with only the corrected JSON object.` });
    }
  } catch (error) {
    if (!(error instanceof DeadlineReached)) {
      // Configuration errors (unreachable, model missing, no tools, 401) must reach the user; a server failure after
      // evidence was gathered still yields that evidence.
      // A rate limit that outlasted its one honoured wait also ends in the evidence gathered so far.
      const recoverable =
        error instanceof OllamaError && (error.kind === 'rate_limited' || (error.kind === 'server' && session.all().length > 0));
      if (!recoverable) throw error;
      fallbackReason = error.message;
    } else {
      fallbackReason = `the analysis deadline of ${options.deadlineMs} ms was reached`;
    }
  }

  if (!draft) {
    note(`fallback report: ${fallbackReason ?? 'no valid answer'}`);
    draft = fallbackReport(session.all(), fallbackReason ?? 'no valid answer');
  }

  const finalized = finalizeReport(
    {
      ...draft,
      incident: request.incident,
      window: inferWindow({ since: request.since, timeline: draft.timeline, calls: session.all() }),
      engine: provider.label,
      durationMs: Date.now() - started,
      ...(notes.length > 0 ? { notes } : {}),
    },
    session,
  );
  // What the model wrote is screened against what the tools showed before anyone reads it.
  const report = screenModelReport(
    finalized,
    session.all().map((call) => call.outcome.text),
  ).report;
  emit({ type: 'final', report });
  return report;
}
