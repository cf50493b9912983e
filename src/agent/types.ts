import type { ToolOutcome } from '../report/calls.js';
import type { MissingSource } from '../report/completeness.js';
import type { Report, ToolCallRecord } from '../report/schema.js';

export type { ToolOutcome };

/** A tool as the host exposes it to engines: `name` is unique across servers. */
export interface HostTool {
  name: string;
  server: string;
  /** The name the server itself knows the tool by (differs from `name` only on a clash). */
  serverToolName: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolHost {
  listTools(): HostTool[];
  callTool(name: string, args: Record<string, unknown>, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<ToolOutcome>;
}

/** Progress an engine reports while it works; the CLI and Slack render these, the engine never renders. */
export type AgentEvent =
  | { type: 'started'; engine: string; incident: string }
  | { type: 'model_turn'; round: number; toolCalls: number; promptTokens?: number; outputTokens?: number; contextWindow?: number }
  | { type: 'tool_started'; callId: string; server: string; tool: string; args: Record<string, unknown> }
  | {
      type: 'tool_finished';
      callId: string;
      server: string;
      tool: string;
      args: Record<string, unknown>;
      ok: boolean;
      ms: number;
      summary: string;
    }
  | { type: 'note'; message: string }
  /** The engine moved to the next stage of its plan ("Reading deployments and commits"); engines without stages never send it. */
  | { type: 'stage'; title: string }
  | { type: 'final'; report: Report };

export type AgentEventType = AgentEvent['type'];

export interface AnalyzeRequest {
  incident: string;
  /** Earlier context such as a Slack thread or a previous report, for follow-ups. */
  context?: string;
  /** How far back to look, e.g. `2h`; engines choose a default when absent. */
  since?: string;
  /**
   * Labels of the alert that started this analysis (service, job, namespace, instance …), so tool calls can be
   * scoped to what fired. Untrusted data, like the incident text.
   */
  scope?: Record<string, string>;
  /**
   * The alerts that started this analysis: their names and `runbook_url` annotations. The runbook an alert links is
   * read first. Untrusted data, like the incident text.
   */
  alerts?: AlertRef[];
  /**
   * Past incidents that look like this one (incident memory), best first. Past data, not evidence: the Ollama engine
   * shows them fenced as untrusted, the builtin engine uses them only to break ties.
   */
  pastIncidents?: PastIncident[];
  /**
   * Configured sources already down when the analysis starts (a server that did not start): "nothing abnormal" cannot
   * be said without them. The runtime fills it from the host's status.
   */
  unavailable?: MissingSource[];
  /** Receives every tool call's (redacted, bounded) output, so the analysis can be replayed later. */
  onToolOutput?: (call: ToolOutputRecord) => void;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
}

export interface AlertRef {
  name: string;
  runbookUrl?: string;
}

export interface PastIncident {
  analysisId: string;
  at: string;
  summary: string;
  confirmedCause?: string;
  suspectKind?: string;
  suspectId?: string;
  reasons: string[];
}

export interface ToolOutputRecord {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  ok: boolean;
  text: string;
  structured?: Record<string, unknown>;
}

export interface Engine {
  readonly name: string;
  analyze(request: AnalyzeRequest): Promise<Report>;
}

export type { Report, ToolCallRecord };
