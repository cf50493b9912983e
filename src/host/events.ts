import type { Withheld } from './policy.js';

/** Start-up and life-cycle progress of the MCP servers, for the CLI and Slack bot to print; the host never prints. */
export type HostEvent =
  | { type: 'server_starting'; server: string; detail: string }
  | { type: 'server_started'; server: string; tools: string[]; ms: number; pid?: number }
  | { type: 'server_failed'; server: string; error: string }
  | { type: 'server_exited'; server: string; detail: string; attempt: number; restartInMs: number }
  | { type: 'server_restarted'; server: string; attempt: number; tools: string[] }
  | { type: 'server_gave_up'; server: string; error: string }
  | { type: 'server_stderr'; server: string; line: string }
  | { type: 'tools_withheld'; server: string; withheld: Withheld[] }
  | { type: 'ready'; servers: number; failed: string[]; tools: number; renamed: string[] };

export type HostEventType = HostEvent['type'];
