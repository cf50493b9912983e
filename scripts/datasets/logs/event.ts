/** One log event as a scenario describes it, before a format writes it as a line. */

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export type LogFormat =
  | 'plain'
  | 'log4j'
  | 'pino'
  | 'json'
  | 'logfmt'
  | 'nginx'
  | 'syslog'
  | 'syslog5424'
  | 'journald'
  | 'cri'
  | 'klog'
  | 'otel'
  | 'kube-events'
  | 'envoy'
  | 'postgres'
  | 'postgres-session'
  | 'team';
export type FieldValue = string | number | boolean | { [key: string]: FieldValue };
export type Fields = Record<string, FieldValue>;

export interface LogEvent {
  t: number;
  level: Level;
  msg: string;
  /** Logger/class name: log4j needs one; JSON formats carry it as a field. */
  logger?: string;
  fields?: Fields;
  /** Stack trace lines; line formats print them as continuation lines, JSON formats embed them. */
  stack?: string[];
}

/** Per-process identity that JSON loggers stamp on every line. */
export interface Origin {
  service: string;
  hostname: string;
  pid: number;
}
