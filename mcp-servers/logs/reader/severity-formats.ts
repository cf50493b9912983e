import { parseCriLine } from '../parser/container.js';
import { parseHead } from '../parser/index.js';
import { parseGlogLine, parseSyslogLine } from '../parser/syslog.js';
import { parseAccessLine } from '../parser/web-formats.js';

/** Head lines sampled from a file's start to tell its format. */
export const FORMAT_SAMPLE_LINES = 200;

/**
 * True for lines of formats whose severity is not a level word on the line: an access log's status code, a
 * syslog priority, a glog/klog letter, journald's PRIORITY, a kernel OOM report. The level prefilter cannot see
 * their warn-or-worse entries, so error_summary parses such files in full (still within the time window).
 */
export function severityOutsideWords(line: string, referenceMs: number): boolean {
  if (line.startsWith('{')) return line.includes('"PRIORITY"') || line.includes('"__REALTIME_TIMESTAMP"');
  let inner = false;
  const cri = parseCriLine(line, (message) => {
    inner = severityOutsideWords(message, referenceMs);
    return parseHead(message, referenceMs, true);
  });
  if (cri) return inner;
  return parseSyslogLine(line, referenceMs) !== null || parseGlogLine(line, referenceMs) !== null || parseAccessLine(line) !== null;
}
