import { parseCriLine } from '../parser/container.js';
import { hasCustomFormats, parseCustomLine } from '../parser/custom.js';
import { parseEnvoyLine } from '../parser/envoy.js';
import { parseHead } from '../parser/index.js';
import { parseDotnetConsoleLine } from '../parser/platform-formats.js';
import { parseGlogLine, parseSyslogLine } from '../parser/syslog.js';
import { parseAccessLine } from '../parser/web-formats.js';

/** Head lines sampled from a file's start to tell its format. */
export const FORMAT_SAMPLE_LINES = 200;

/**
 * True for lines of formats whose severity is not a level word on the line: an access log's status code or Envoy's
 * response flags, a syslog priority, a glog/klog letter, journald's PRIORITY, a kernel OOM report, and any line a
 * team's own LOG_FORMATS pattern reads (its level group may be a letter or a number), .NET's console `fail:`. The level prefilter cannot see
 * their warn-or-worse entries, so error_summary parses such files in full (still within the time window).
 */
export function severityOutsideWords(line: string, referenceMs: number): boolean {
  if (hasCustomFormats() && parseCustomLine(line)) return true;
  if (line.startsWith('{')) return line.includes('"PRIORITY"') || line.includes('"__REALTIME_TIMESTAMP"');
  if (line.startsWith('[') && parseEnvoyLine(line)) return true;
  let inner = false;
  const cri = parseCriLine(line, (message) => {
    inner = severityOutsideWords(message, referenceMs);
    return parseHead(message, referenceMs, true);
  });
  if (cri) return inner;
  return (
    parseSyslogLine(line, referenceMs) !== null ||
    parseGlogLine(line, referenceMs) !== null ||
    parseAccessLine(line) !== null ||
    parseDotnetConsoleLine(line) !== null
  );
}
