/**
 * A strict reader for the five log line formats of docs/datasets.md. It is deliberately separate from the
 * logs server's parser: these tests pin down the data, the server's own tests pin down its parser.
 */

export type Format = 'plain' | 'log4j' | 'pino' | 'json' | 'logfmt';
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface Entry {
  format: Format;
  time: number;
  level: Level;
  /** The message plus any continuation lines. */
  text: string;
  file: string;
  line: number;
}

const PLAIN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) \[([\w.-]+)\] (.+)$/;
const LOG4J = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3}) (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) ([\w.$[\]/-]+) - (.+)$/;
const LOGFMT = /^time=(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z) level=(trace|debug|info|warn|error|fatal) service=([\w.-]+) msg=(.+)$/;
const PINO_LEVELS: Record<number, Level> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Parses one line as the start of an entry; undefined when it is not one (a continuation or garbage). */
export function parseLine(line: string): Omit<Entry, 'file' | 'line'> | undefined {
  let m = PLAIN.exec(line);
  if (m) return { format: 'plain', time: Date.parse(m[1]!), level: m[2]!.toLowerCase() as Level, text: m[4]! };
  m = LOG4J.exec(line);
  if (m) return { format: 'log4j', time: Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`), level: m[4]!.toLowerCase() as Level, text: m[6]! };
  m = LOGFMT.exec(line);
  if (m) return { format: 'logfmt', time: Date.parse(m[1]!), level: m[2] as Level, text: line };
  if (line.startsWith('{')) {
    const rec = JSON.parse(line) as Record<string, unknown>;
    if (typeof rec.level === 'number' && typeof rec.time === 'number' && typeof rec.msg === 'string' && typeof rec.service === 'string') {
      const level = PINO_LEVELS[rec.level];
      if (level) return { format: 'pino', time: rec.time, level, text: line };
    }
    if (typeof rec.ts === 'string' && typeof rec.severity === 'string' && typeof rec.message === 'string' && typeof rec.app === 'string') {
      return { format: 'json', time: Date.parse(rec.ts), level: rec.severity as Level, text: line };
    }
  }
  return undefined;
}

/** Splits a file into entries; a line that is no entry must be a continuation of a line-format WARN/ERROR entry. */
export function parseFile(file: string, text: string): Entry[] {
  const entries: Entry[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const parsed = parseLine(raw);
    if (parsed) {
      entries.push({ ...parsed, file, line: i + 1 });
      return;
    }
    const last = entries.at(-1);
    if (!last || (last.format !== 'plain' && last.format !== 'log4j') || !['warn', 'error', 'fatal'].includes(last.level)) {
      throw new Error(`${file}:${i + 1}: not a log line and not a continuation: ${raw.slice(0, 120)}`);
    }
    last.text += `\n${raw}`;
  });
  return entries;
}
