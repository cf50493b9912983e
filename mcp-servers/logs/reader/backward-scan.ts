import { parseHead } from '../parser/index.js';
import { headContext, type LogEntry, type LogFile, type Visitor } from '../types.js';
import { MAX_CONTINUATION_LINES, MAX_ENTRY_CHARS, standalone } from './assembler.js';
import { readLinesBackward } from './backward.js';
import { headService } from './head-service.js';

/** Lines read between cancellation checks. */
const ABORT_CHECK_LINES = 16_384;

export interface BackwardOptions {
  /** Stop at the first timed entry older than this (the window's start minus the order slack). */
  stopBefore?: number | undefined;
  /** Stop once this many entries matched (the caller wants only the newest). */
  newestPerFile?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Reads a plain file newest-first and rebuilds the same entries the forward reader makes: lines without a
 * head are held until the head above them appears. Entries get provisional negative line numbers
 * (-1 = last line) that resolveLines turns into real ones.
 */
export async function readBackward(
  file: LogFile,
  index: number,
  end: number,
  options: BackwardOptions,
  visit: Visitor,
): Promise<{ exact: boolean; visited: number; minOffset: number }> {
  const { stopBefore } = options;
  let pending: { text: string; k: number }[] = [];
  let matched = 0;
  let k = 0;
  let minOffset = file.size;
  let newer = Number.POSITIVE_INFINITY;
  const emitStandalone = (items: { text: string; k: number }[], sortTime: number) => {
    for (const item of items) {
      if (item.text.trim() === '') continue;
      if (visit(standalone(item.text, file.label, file.service, -(item.k + 1)), sortTime, index)) matched += 1;
    }
  };
  for await (const { text, offset } of readLinesBackward(file.abs, end, file.label)) {
    minOffset = offset;
    if (k % ABORT_CHECK_LINES === 0) options.signal?.throwIfAborted();
    const head = parseHead(text, headContext(file));
    if (!head) {
      pending.push({ text, k });
      k += 1;
      // Past this many lines below any head, the oldest-read (newest) line can only be standalone.
      if (pending.length > MAX_CONTINUATION_LINES) emitStandalone(pending.splice(0, 1), newer);
      continue;
    }
    const below = pending.reverse();
    let attach = 0;
    let chars = 0;
    while (attach < below.length && attach < MAX_CONTINUATION_LINES && chars + (below[attach]?.text.length ?? 0) < MAX_ENTRY_CHARS) {
      chars += (below[attach]?.text.length ?? 0) + 1;
      attach += 1;
    }
    const sortTime = head.time ?? newer;
    emitStandalone(below.slice(attach).reverse(), sortTime);
    const extra = below.slice(0, attach).map((item) => item.text);
    while (extra.length > 0 && extra[extra.length - 1]?.trim() === '') extra.pop();
    const rest = extra.join('\n');
    const entry: LogEntry = {
      time: head.time,
      level: head.level,
      service: headService(head, file.service),
      message: rest ? `${head.message}\n${rest}` : head.message,
      raw: text,
      rest,
      file: file.label,
      line: -(k + 1),
    };
    pending = [];
    k += 1;
    if (visit(entry, sortTime, index)) matched += 1;
    if (head.time !== null) newer = head.time;
    if (stopBefore !== undefined && head.time !== null && head.time < stopBefore) return { exact: true, visited: k, minOffset };
    if (options.newestPerFile !== undefined && matched >= options.newestPerFile) return { exact: false, visited: k, minOffset };
  }
  emitStandalone(pending, Number.NEGATIVE_INFINITY);
  return { exact: true, visited: k, minOffset };
}
