import { inspect } from 'node:util';
import { type Logger, LogLevel } from '@slack/bolt';
import { type StdioName, safeWrite } from '../process/stdio-guard.js';

/**
 * LOG_FORMAT=json: one JSON object per line (time, level, name, message, and where a line names them: the analysis
 * id, the channel id, the MCP server and tool), for a log shipper to index. The same id is in the report's footer
 * ("analysis A12-…"), so one id finds the thread, the report and every log line. Text stays the default.
 */

export type LogFormat = 'text' | 'json';
export type LevelName = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LevelName, number> = { debug: 0, info: 1, warn: 2, error: 3 };
/** Analysis ids as the worker makes them (worker/job.ts): A<counter>-<10 hex>. */
const ANALYSIS_ID = /\b(A\d+-[0-9a-f]{10})\b/;
const CHANNEL_ID = /\b([CG][A-Z0-9]{8,})\b/;
/** Host lines start "mcp <server>" (host/log.ts); tool calls name "<server>.<tool>". */
const MCP_SERVER = /^mcp ([A-Za-z0-9_.-]+)(?::| stderr:)/;
const TOOL_CALL = /\b([a-z][\w-]*)\.([a-z][a-z0-9_]*)\b/;

export interface LogFields {
  analysis?: string;
  channel?: string;
  server?: string;
  tool?: string;
}

/** The ids a line names: every line about an analysis already says "analysis <id>". */
export function fieldsOf(message: string): LogFields {
  const fields: LogFields = {};
  const analysis = ANALYSIS_ID.exec(message)?.[1];
  if (analysis) fields.analysis = analysis;
  const channel = CHANNEL_ID.exec(message)?.[1];
  if (channel) fields.channel = channel;
  const server = MCP_SERVER.exec(message)?.[1];
  if (server) fields.server = server;
  else {
    const call = TOOL_CALL.exec(message);
    if (call?.[1] && call[2] && /tool|call/.test(message)) {
      fields.server = call[1];
      fields.tool = call[2];
    }
  }
  return fields;
}

/** One log line in the chosen format, newline included. */
export function formatLogLine(format: LogFormat, level: LevelName, name: string, message: string, now = new Date()): string {
  if (format === 'json') return `${JSON.stringify({ time: now.toISOString(), level, name, message, ...fieldsOf(message) })}\n`;
  return `${now.toISOString()} [${level.toUpperCase()}] ${name}: ${message}\n`;
}

const BOLT_LEVELS: Record<LogLevel, LevelName> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/** Bolt's logger interface over formatLogLine; writes to stderr through the stdio guard (never throws). */
export class LineLogger implements Logger {
  private level: LogLevel;
  private name: string;

  constructor(
    private readonly format: LogFormat,
    level: LogLevel = LogLevel.INFO,
    name = 'bolt-app',
    private readonly stream: StdioName = 'stderr',
  ) {
    this.level = level;
    this.name = name;
  }

  debug(...msg: unknown[]): void {
    this.write('debug', msg);
  }
  info(...msg: unknown[]): void {
    this.write('info', msg);
  }
  warn(...msg: unknown[]): void {
    this.write('warn', msg);
  }
  error(...msg: unknown[]): void {
    this.write('error', msg);
  }
  setLevel(level: LogLevel): void {
    this.level = level;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  setName(name: string): void {
    this.name = name;
  }

  private write(level: LevelName, parts: unknown[]): void {
    if (ORDER[level] < ORDER[BOLT_LEVELS[this.level]]) return;
    const message = parts.map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 2, breakLength: Infinity }))).join(' ');
    safeWrite(this.stream, formatLogLine(this.format, level, this.name, message));
  }
}
