import type { ToolHost } from '../../../src/agent/types.js';
import { createOllamaEngine, type OllamaEngineOptions } from '../../../src/engines/ollama/engine.js';
import { thinkSettings } from '../../../src/engines/ollama/index.js';
import { OllamaProvider } from '../../../src/engines/ollama/ollama-provider.js';
import { type Report, ReportSchema } from '../../../src/report/schema.js';
import { type ChatBody, type FakeScript, type FakeTurn, startFakeOllama } from './server.js';

/**
 * The habits of local models, each as a scripted fake model that an analysis must survive: end with a report, run
 * the calls it should, and stay within a stated number of model calls. Shared by the habits test suite and
 * `npm run bench`. The scripts know tool names, never the data: the answer quotes whatever the real tools returned.
 */

export interface Habit {
  name: string;
  /** The most /api/chat requests the analysis may make. */
  maxModelCalls: number;
  /** Tools that must appear among the calls run. */
  runs: string[];
  /** Tools that must not have run (a call the model only thought about, or a withheld one). */
  neverRuns?: string[];
  /** Patterns the report's notes must contain. */
  notes?: RegExp[];
  engine?: Partial<Omit<OllamaEngineOptions, 'provider'>>;
  /** A fresh script per run: most are stateful. */
  script: () => FakeScript;
  /** Further checks on what the client sent or the report; returns what is wrong. */
  verify?: (run: HabitRun) => string | undefined;
}

export interface HabitRun {
  report: Report;
  requests: ChatBody[];
  modelCalls: number;
  ms: number;
}

const toolMessages = (request: ChatBody) => request.messages.filter((message) => message.role === 'tool');

/** The final report, citing the first successful result with its first output line, whatever the data says. */
function answer(request: ChatBody, wrap: (json: string) => string = (json) => json): FakeTurn {
  const cited = toolMessages(request)
    .map((message) => /^\[(T\d+)\] \S+ ok\n([^\n]*)/.exec(message.content))
    .find((match) => match && (match[2] ?? '').trim().length > 0);
  const evidence = cited ? [{ id: 'E1', source: 'tools', tool: cited[1], summary: 'first result', quote: (cited[2] ?? '').trim() }] : [];
  const report = {
    summary: 'scripted habit summary',
    rootCause: 'scripted root cause',
    confidence: 'medium',
    timeline: [],
    evidence,
    recommendations: ['scripted'],
  };
  return { content: wrap(JSON.stringify(report)) };
}

/** A script of tool turns by index; once they run out it stops calling tools; the `format` request gets the answer. */
function turns(tools: Array<(request: ChatBody) => FakeTurn>, final?: (request: ChatBody) => FakeTurn): () => FakeScript {
  return () => {
    let next = 0;
    return (request) => {
      if (request.format) return (final ?? answer)(request);
      const turn = tools[next];
      next += 1;
      return turn ? turn(request) : { content: 'I have enough to answer.' };
    };
  };
}

const call = (name: string, args: Record<string, unknown> | string = {}) => ({ name, arguments: args });
const native =
  (...calls: ReturnType<typeof call>[]) =>
  (): FakeTurn => ({ toolCalls: calls });
const text = (content: string) => (): FakeTurn => ({ content });
const offered = (request: ChatBody) => (request.tools ?? []).map((tool) => tool.function.name);

export const HABITS: Habit[] = [
  {
    name: 'native tool calls (baseline)',
    maxModelCalls: 3,
    runs: ['error_summary', 'get_deployments'],
    script: turns([native(call('error_summary', { since: '24h' }), call('get_deployments', { since: '24h' }))]),
  },
  {
    name: 'arguments sent as a JSON string',
    maxModelCalls: 3,
    runs: ['search_logs'],
    script: turns([native(call('search_logs', '{"pattern": "error", "since": "24h"}'))]),
  },
  {
    name: 'misspelt tool name, then the right one',
    maxModelCalls: 4,
    runs: ['error_sumary', 'error_summary'],
    script: turns([native(call('error_sumary', { since: '24h' })), native(call('error_summary', { since: '24h' }))]),
  },
  {
    name: 'wrongly typed argument, then fixed',
    maxModelCalls: 4,
    runs: ['read_logs'],
    script: turns([native(call('read_logs', { limit: 'twenty' })), native(call('read_logs', { limit: 20 }))]),
  },
  {
    name: 'reasoning and a fenced final answer',
    maxModelCalls: 3,
    runs: ['error_summary'],
    script: turns([native(call('error_summary', {}))], (request) =>
      answer(request, (json) => `<think>\nThe deploy looks guilty.\n</think>\n\`\`\`json\n${json}\n\`\`\``),
    ),
  },
  {
    name: '<tool_call> in the text (Qwen/Hermes template miss)',
    maxModelCalls: 3,
    runs: ['error_summary', 'get_deployments'],
    notes: [/wrote 2 tool calls as text \(<tool_call> tag \(Qwen\/Hermes\)\)/],
    script: turns([
      text(
        'Let me look.\n<tool_call>\n{"name": "error_summary", "arguments": {"since": "24h"}}\n</tool_call>\n<tool_call>\n{"name": "get_deployments", "arguments": {"since": "24h"}}\n</tool_call>',
      ),
    ]),
  },
  {
    name: '[TOOL_CALLS] in the text (Mistral)',
    maxModelCalls: 3,
    runs: ['get_recent_commits'],
    notes: [/\[TOOL_CALLS\] \(Mistral\)/],
    script: turns([text('[TOOL_CALLS] [{"name": "get_recent_commits", "arguments": {"since": "24h"}, "id": "c0ffee123"}]')]),
  },
  {
    name: 'JSON call in the text (Llama)',
    maxModelCalls: 3,
    runs: ['list_metrics'],
    notes: [/<\|python_tag\|> JSON \(Llama\)/],
    script: turns([text('<|python_tag|>{"name": "list_metrics", "parameters": {}}')]),
  },
  {
    name: 'fenced JSON call after prose',
    maxModelCalls: 3,
    runs: ['list_services'],
    notes: [/fenced JSON/],
    script: turns([text('I will list the services first.\n```json\n{"name": "list_services", "arguments": {}}\n```')]),
  },
  {
    name: 'the same search with trivial variations',
    maxModelCalls: 4,
    runs: ['search_logs'],
    notes: [/2 rounds in a row brought nothing new/],
    script: () => {
      const variants = ['No space left', 'no space left', 'No Space Left ', '  no space  left', 'NO SPACE LEFT', 'No space left'];
      let n = 0;
      return (request) => {
        if (request.format) return answer(request);
        const pattern = variants[n % variants.length];
        n += 1;
        return { toolCalls: [call('search_logs', n % 2 ? { pattern, since: '24h' } : { since: '1d', pattern, limit: 50 })] };
      };
    },
    verify: (run) => (run.report.toolCalls.length === 1 ? undefined : `expected 1 search run, got ${run.report.toolCalls.length}`),
  },
  {
    name: 'A/B alternation',
    maxModelCalls: 3,
    runs: ['error_summary', 'get_deployments'],
    notes: [/alternated between the same two calls/],
    script: () => (request) =>
      request.format
        ? answer(request)
        : { toolCalls: [call('error_summary', { since: '24h' }), call('get_deployments', { since: '24h' })] },
  },
  {
    name: 'the same error again and again',
    maxModelCalls: 6,
    runs: ['search_logs', 'error_summary'],
    notes: [/search_logs failed the same way 3 times: withheld/],
    script: () => {
      const times = ['yesterday', 'last night', 'this morning', 'earlier'];
      let n = 0;
      let stopped = false;
      return (request) => {
        if (request.format) return answer(request);
        if (!offered(request).includes('search_logs')) {
          if (stopped) return { content: 'enough' };
          stopped = true;
          return { toolCalls: [call('error_summary', { since: '24h' })] };
        }
        n += 1;
        return { toolCalls: [call('search_logs', { pattern: 'error', since: times[n % times.length] })] };
      };
    },
    verify: (run) => {
      const advice = run.requests.some((request) =>
        toolMessages(request).some((message) => message.content.includes('This is the same error')),
      );
      const searches = run.report.toolCalls.filter((record) => record.tool === 'search_logs').length;
      if (!advice) return 'the model was never told what to change';
      return searches === 3 ? undefined : `expected 3 failing searches before withholding, got ${searches}`;
    },
  },
  {
    name: 'one tool called over and over',
    maxModelCalls: 6,
    runs: ['search_logs'],
    notes: [/brought nothing new/],
    script: () => {
      let n = 0;
      return (request) => {
        if (request.format) return answer(request);
        n += 2;
        return { toolCalls: [call('search_logs', { pattern: `term${n - 1}` }), call('search_logs', { pattern: `e`, limit: n })] };
      };
    },
    verify: (run) => {
      const searches = run.report.toolCalls.filter((record) => record.tool === 'search_logs').length;
      const refused = run.requests.some((request) =>
        toolMessages(request).some((message) => message.content.includes('the budget of 6 calls')),
      );
      return searches === 6 && refused ? undefined : `expected 6 searches then a budget refusal, got ${searches} (refused: ${refused})`;
    },
  },
  {
    name: 'context filling up',
    maxModelCalls: 7,
    runs: ['read_logs'],
    notes: [/context compacted: .* older tool results? (was|were) summarised \(T1/],
    engine: { numCtx: 4_096 },
    script: turns([
      native(call('read_logs', { limit: 60 })),
      native(call('read_logs', { limit: 70, level: 'info' })),
      native(call('read_logs', { limit: 80, level: 'debug' })),
      native(call('read_logs', { limit: 90, level: 'warn' })),
      // The first call again, after its result was summarised: the loop guard still remembers it.
      native(call('read_logs', { limit: 60 })),
    ]),
    verify: (run) => {
      const last = run.requests.at(-1);
      const messages = last ? toolMessages(last) : [];
      if (!messages.some((message) => message.content.startsWith('[T1] read_logs ok — summarised'))) {
        return 'the oldest result was not summarised in the last request';
      }
      const refused = messages.some((message) => /^\[refused\] read_logs .*T1.*summarised above to save context/.test(message.content));
      return refused ? undefined : 'the repeat of a summarised call was not refused';
    },
  },
  {
    name: 'one oversize result',
    maxModelCalls: 3,
    runs: ['read_logs'],
    engine: { toolResultChars: 2_000 },
    script: turns([native(call('read_logs', { limit: 300 }))]),
    verify: (run) => {
      const second = run.requests[1];
      const message = second ? toolMessages(second)[0]?.content : undefined;
      if (!message) return 'no tool result was sent back';
      return /\n… \[\d+ of \d+ lines left out here; narrow the query/.test(message) && message.length < 2_400
        ? undefined
        : 'the result was not sent as head and tail within its budget';
    },
  },
  {
    name: 'a thinking model (reasoning is never the answer or a call)',
    maxModelCalls: 3,
    runs: ['get_deployments'],
    neverRuns: ['get_commit'],
    engine: { think: thinkSettings('off') },
    script: () => {
      let n = 0;
      return (request) => {
        n += 1;
        if (request.format) {
          return { ...answer(request), thinking: '{"summary": "a report in the reasoning", "confidence": "high"}' };
        }
        if (n === 1) return { thinking: 'I should check deployments.', toolCalls: [call('get_deployments', { since: '24h' })] };
        return { thinking: '<tool_call>{"name": "get_commit", "arguments": {"sha": "abc1234"}}</tool_call>', content: '' };
      };
    },
    verify: (run) => {
      if (run.report.summary !== 'scripted habit summary') return 'the reasoning was taken as the answer';
      return run.requests.every((request) => request.think === false) ? undefined : 'think was not sent as false';
    },
  },
  {
    name: 'Ollama Cloud 429 with a retry hint',
    maxModelCalls: 3,
    runs: ['error_summary'],
    notes: [/rate limiting requests \(429, asked to wait 1 s\).*waiting 1 s as asked, once/, /^fallback report: .*429/],
    script: turns([
      native(call('error_summary', { since: '24h' })),
      () => ({ status: 429, error: 'too many requests, please retry', headers: { 'Retry-After': '1' } }),
      () => ({ status: 429, error: 'too many requests, please retry', headers: { 'Retry-After': '1' } }),
    ]),
    verify: (run) =>
      run.report.confidence === 'low' && run.report.evidence.length > 0 ? undefined : 'no fallback report from the evidence',
  },
];

/** One habit through the real client, the given host (real MCP servers) and a fresh fake Ollama. */
export async function runHabit(host: ToolHost, habit: Habit): Promise<HabitRun> {
  const fake = await startFakeOllama({ script: habit.script() });
  try {
    const engine = createOllamaEngine(host, {
      provider: new OllamaProvider({ host: fake.url, model: 'qwen3:8b' }),
      numCtx: 32_768,
      deadlineMs: 60_000,
      toolTimeoutMs: 15_000,
      ...habit.engine,
    });
    const started = performance.now();
    const report = await engine.analyze({ incident: '500 errors on checkout API', since: '24h' });
    return { report, requests: [...fake.requests], modelCalls: fake.requests.length, ms: performance.now() - started };
  } finally {
    await fake.close();
  }
}

/** What is wrong with a run, or an empty list. */
export function habitProblems(habit: Habit, run: HabitRun): string[] {
  const problems: string[] = [];
  if (!ReportSchema.safeParse(run.report).success) problems.push('the report is not valid');
  if (run.modelCalls > habit.maxModelCalls) problems.push(`${run.modelCalls} model calls, more than ${habit.maxModelCalls}`);
  const ran = new Set(run.report.toolCalls.map((record) => record.tool));
  for (const tool of habit.runs) if (!ran.has(tool)) problems.push(`${tool} did not run`);
  for (const tool of habit.neverRuns ?? []) if (ran.has(tool)) problems.push(`${tool} ran but should not have`);
  for (const pattern of habit.notes ?? []) {
    if (!(run.report.notes ?? []).some((note) => pattern.test(note))) problems.push(`no note matching ${pattern}`);
  }
  const extra = habit.verify?.(run);
  if (extra) problems.push(extra);
  return problems;
}
