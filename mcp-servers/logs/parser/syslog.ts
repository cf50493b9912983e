import type { LogLevel } from '../schemas.js';
import { normalizeLevel } from './levels.js';
import { ISO_PREFIX, isoMatchMs, monthIndex, utcMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * Syslog in its two wire formats (RFC 3164 with or without `<PRI>`, RFC 5424), glog/klog, and the kernel and systemd
 * lines that report a process killed for memory. Program names become services; a year-less timestamp takes its year
 * from a reference instant (the dataset's now or the file's time) so that it never lands in the future.
 */

/** syslog severities 0–7 (emerg … debug) onto the six levels. */
const SEVERITY: readonly LogLevel[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];
/** A year-less time more than this after the reference belongs to the previous year (December logs read in January). */
const FUTURE_SLACK_MS = 2 * 86_400_000;

export function levelFromPri(pri: number): LogLevel | null {
  return Number.isInteger(pri) && pri >= 0 && pri <= 191 ? (SEVERITY[pri % 8] ?? null) : null;
}

/** The year that puts month/day closest before the reference (at most a little after it). */
export function inferYear(month0: number, day: number, hour: number, minute: number, second: number, referenceMs: number): number {
  const year = new Date(referenceMs).getUTCFullYear();
  const candidate = Date.UTC(year, month0, day, hour, minute, second);
  return candidate > referenceMs + FUTURE_SLACK_MS ? year - 1 : year;
}

const PRI = /^<(\d{1,3})>/;
/** RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD]|- MSG`. */
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) /;
/** RFC 3164 after the optional PRI: `Mmm dd hh:mm:ss host program[pid]: message`. */
const RFC3164 = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\S+) ([^\s:[]{1,128})(?:\[(\d+)\])?: ?/;
/** Structured data: `-` or one or more `[id k="v" …]` elements, values may hold escaped `]`. */
const STRUCTURED = /^(?:-|(?:\[(?:[^\]"\\]|"(?:[^"\\]|\\.)*"){0,2000}\])+)(?: |$)/;

export function parseSyslogLine(line: string, referenceMs: number): ParsedHead | null {
  const m5424 = RFC5424.exec(line);
  if (m5424) {
    const iso = ISO_PREFIX.exec(m5424[2] ?? '');
    const time = iso ? isoMatchMs(iso) : null;
    if (time === null) return null;
    let rest = line.slice(m5424[0].length);
    const sd = STRUCTURED.exec(rest);
    if (sd) rest = rest.slice(sd[0].length);
    const app = m5424[4] && m5424[4] !== '-' ? m5424[4] : null;
    return withKillOf({ time, level: levelFromPri(Number(m5424[1])), service: app, message: rest.replace(/^\uFEFF/, '') });
  }
  const pri = PRI.exec(line);
  const body = pri ? line.slice(pri[0].length) : line;
  const m = RFC3164.exec(body);
  if (!m) return null;
  const month = monthIndex(m[1] ?? '');
  if (month === undefined) return null;
  const [day, hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const year = inferYear(month, day, hour, minute, second, referenceMs);
  const time = utcMs(year, month, day, hour, minute, second, m[6]);
  if (time === null) return null;
  const message = body.slice(m[0].length);
  const program = programName(m[8] ?? '');
  const level = pri ? levelFromPri(Number(pri[1])) : levelFromText(message);
  return withKillOf({ time, level, service: program, message });
}

/** `sshd(pam_unix)` → sshd; `systemd-logind` stays. */
function programName(raw: string): string | null {
  const name = raw.replace(/\(.*$/, '').trim();
  return name.length > 0 ? name : null;
}

/** glog/klog: `I1210 13:00:01.123456    1234 file.go:123] message` (Lmmdd, year-less). */
const GLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? +\d+ ([^\s:\]]{1,200}):\d+\] ?/;
const GLOG_LEVEL: Record<string, LogLevel> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };

export function parseGlogLine(line: string, referenceMs: number): ParsedHead | null {
  const m = GLOG.exec(line);
  if (!m) return null;
  const month = Number(m[2]) - 1;
  const [day, hour, minute, second] = [Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  const time = utcMs(inferYear(month, day, hour, minute, second, referenceMs), month, day, hour, minute, second, m[7]);
  if (time === null) return null;
  return withKillOf({ time, level: GLOG_LEVEL[m[1] ?? ''] ?? null, service: null, message: line.slice(m[0].length) });
}

/** A leading level word (`ERROR:`, `[warn]`, `level=error`) in a message with no level field. */
const LEADING_LEVEL = /^\s*(?:level=)?\[?([A-Za-z]{3,9})\]?[:\s]/;
/** Phrases that mark a line as an error even without a level word: syslog programs rarely print one. */
const ERROR_WORDS = /\b(error|failed|failure|fatal|panic|segfault|refused|denied|unreachable|timed out|exception)\b/i;

export function levelFromText(message: string): LogLevel {
  const lead = LEADING_LEVEL.exec(message);
  const word = lead ? normalizeLevel(lead[1] ?? '') : null;
  if (word) return word;
  if (/\bwarn(ing)?\b/i.test(message)) return 'warn';
  return ERROR_WORDS.test(message) ? 'error' : 'info';
}

/** Kernel OOM killer and cgroup OOM: `Out of memory: Killed process 4711 (java) …`, `oom-kill:…,task=java,pid=…`. */
const OOM_KILLED = /\b(?:Out of memory|Memory cgroup out of memory): Kill(?:ed)? process \d+ \(([^)\s]{1,64})\)/;
const OOM_TASK = /\boom-kill:.{0,400}?\btask=([^,\s]{1,64})/;
/** A generic kernel/supervisor report: `Killed process 4711 (node)`. */
const KILLED_PROCESS = /\bKilled process \d+ \(([^)\s]{1,64})\)/;
/** systemd: `payments.service: Main process exited, code=killed, status=9/KILL`. */
const SYSTEMD_KILLED = /^([\w@.-]{1,128})\.service: .{0,200}\bcode=killed, status=9\b/;

/** A process killed for memory or by SIGKILL is a fatal event of that process, whatever program wrote the line. */
export function killedProcess(message: string): string | undefined {
  const match = OOM_KILLED.exec(message) ?? OOM_TASK.exec(message) ?? KILLED_PROCESS.exec(message) ?? SYSTEMD_KILLED.exec(message);
  return match?.[1];
}

export function withKillOf(head: ParsedHead): ParsedHead {
  const victim = killedProcess(head.message);
  return victim ? { ...head, level: 'fatal', service: victim } : head;
}
