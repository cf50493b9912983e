import { SLACK_LIMITS } from './limits.js';
import { context, type SlackMessage, section } from './report.js';
import { buildNoticeMessage, userMention } from './status.js';
import { joinBounded, oneLine } from './text.js';

/** One MCP server's health as `/rca status` shows it. */
export interface ServerHealthView {
  name: string;
  state: string;
  tools: number;
  restarts: number;
  error?: string;
}

export interface HealthView {
  /** The engine in use, e.g. "ollama:qwen3:8b" or "builtin (Ollama not reachable …)". */
  engine: string;
  servers: ServerHealthView[];
}

export function buildUsageMessage(command: string, botUserId?: string): SlackMessage {
  const bot = botUserId ? `<@${botUserId}>` : '@IncidentPilot';
  const lines = [
    '*IncidentPilot* finds the likely root cause of an incident from logs, git history, deployments and metrics.',
    `• \`${command} &lt;what is broken&gt;\` — start an analysis, e.g. \`${command} checkout returns 502 since 14:00\``,
    `• \`${command} status\` — queued and running analyses`,
    `• \`${command} history [service]\` — past analyses with their votes and confirmed causes`,
    `• \`${command} stats\` — analyses, votes and confirmed-correct rate per engine (30 days)`,
    `• \`${command} help\` — this message`,
    `• Mention ${bot} in a thread — analyse that thread; in the thread of a finished report — ask a follow-up`,
    '• Alerts posted by Alertmanager, Grafana, Datadog or PagerDuty in alert channels are analysed automatically',
  ];
  return { text: `Usage: ${command} &lt;incident description&gt; | status | history | stats | help`, blocks: [section(lines.join('\n'))] };
}

export interface QueueEntryView {
  analysisId: string;
  incident: string;
  state: 'queued' | 'running';
  channel: string;
  requestedBy?: string;
  toolCalls: number;
  ageMs: number;
}

/** Which analyses a reader may see in full: those of the channel they asked in, or all (RESPONDERS). */
export interface StatusScope {
  channel: string;
  everything: boolean;
}

/** The engine and MCP server lines of `/rca status`. */
export function healthLines(health: HealthView): string[] {
  const icon = (state: string) =>
    state === 'ready' ? ':large_green_circle:' : state === 'failed' ? ':red_circle:' : ':large_yellow_circle:';
  return [
    `*Engine:* ${oneLine(health.engine, 300)}`,
    '*MCP servers*',
    ...health.servers.map(
      (server) =>
        `${icon(server.state)} ${oneLine(server.name, 60)} — ${oneLine(server.state, 20)}, ${server.tools} tools, ${server.restarts} restart${server.restarts === 1 ? '' : 's'}${
          server.error ? `: ${oneLine(server.error, 300)}` : ''
        }`,
    ),
  ];
}

export function buildQueueStatusMessage(
  all: QueueEntryView[],
  limits: { concurrency: number; queueMax: number },
  scope: StatusScope = { channel: '', everything: true },
  health?: HealthView,
  /** Every replica's health and work when several share the store (blocks/replicas.ts). */
  replicas: string[] = [],
): SlackMessage {
  const message = buildQueueMessage(all, limits, scope);
  const extra = [...(health ? [healthLines(health)] : []), ...(replicas.length ? [replicas] : [])];
  if (extra.length === 0) return message;
  return {
    text: message.text,
    blocks: [...message.blocks, ...extra.map((lines) => section(joinBounded(lines, SLACK_LIMITS.sectionText)))],
  };
}

function buildQueueMessage(all: QueueEntryView[], limits: { concurrency: number; queueMax: number }, scope: StatusScope): SlackMessage {
  // Other channels' analyses are counted, never described: the reader may not be a member of those channels.
  const entries = scope.everything ? all : all.filter((e) => e.channel === scope.channel);
  const hidden = all.filter((e) => !entries.includes(e));
  const elsewhere = hidden.length
    ? `${hidden.filter((e) => e.state === 'running').length} running and ${hidden.filter((e) => e.state === 'queued').length} queued in other channels.`
    : '';
  const running = entries.filter((e) => e.state === 'running');
  const queued = entries.filter((e) => e.state === 'queued');
  if (entries.length === 0 && hidden.length > 0)
    return buildNoticeMessage(
      `No analyses queued or running in this channel; ${elsewhere} (capacity: ${limits.concurrency} at once, ${limits.queueMax} waiting).`,
    );
  if (entries.length === 0)
    return buildNoticeMessage(`No analyses queued or running (capacity: ${limits.concurrency} at once, ${limits.queueMax} waiting).`);
  const line = (e: QueueEntryView, i: number) =>
    `${e.state === 'running' ? ':mag:' : `${i + 1}.`} \`${e.analysisId}\` ${oneLine(e.incident, 200)} — <#${e.channel}>` +
    `${e.requestedBy ? ` by ${userMention(e.requestedBy)}` : ''} · ${e.state === 'running' ? `${e.toolCalls} tool calls, ` : ''}${Math.round(e.ageMs / 1000)} s`;
  const lines = [
    `*Running* (${running.length}/${limits.concurrency})`,
    ...running.map(line),
    `*Queued* (${queued.length}/${limits.queueMax})`,
    ...queued.map(line),
    ...(elsewhere ? [`_Also ${elsewhere}_`] : []),
  ];
  return {
    text: `${running.length} running, ${queued.length} queued${elsewhere ? ` here; ${elsewhere}` : ''}`,
    blocks: [
      section(joinBounded(lines, SLACK_LIMITS.sectionText)),
      context(`Capacity: ${limits.concurrency} at once, ${limits.queueMax} waiting`),
    ],
  };
}
