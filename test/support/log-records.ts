import path from 'node:path';
import { EntryAssembler } from '../../mcp-servers/logs/reader/assembler.js';
import { readLines } from '../../mcp-servers/logs/reader/lines.js';
import { resolveSources } from '../../mcp-servers/logs/reader/sources.js';
import type { LogEntry } from '../../mcp-servers/logs/types.js';
import { readDatasetMeta } from '../../mcp-servers/shared/dataset.js';

/** One log entry as a shipper (Promtail, Alloy, Filebeat, journald) would store it: time, service, level and text. */
export interface LogRecord {
  timeMs: number;
  service: string;
  level: string | null;
  /** The head line and its continuation lines (a multiline entry), as in the file. */
  text: string;
}

/**
 * Every entry of a dataset's logs/, read by the same reader and assembler the files backend uses, so that a store
 * loaded with these records holds exactly what the files hold. An entry without a time takes the last time above it
 * (a store needs one); one before any time takes the dataset's now.
 */
export async function datasetRecords(dataDir: string): Promise<LogRecord[]> {
  const nowText = readDatasetMeta(dataDir)?.now;
  const nowMs = nowText ? Date.parse(nowText) : Date.now();
  const { files } = resolveSources({ dataLogsDir: path.join(dataDir, 'logs') });
  const records: LogRecord[] = [];
  for (const file of files) {
    const assembler = new EntryAssembler(file.label, file.service, nowText ? nowMs : file.mtimeMs);
    let last: number | null = null;
    const take = (entries: LogEntry[]) => {
      for (const entry of entries) {
        if (entry.time !== null) last = entry.time;
        const text = entry.rest ? `${entry.raw}\n${entry.rest}` : entry.raw;
        records.push({ timeMs: entry.time ?? last ?? nowMs, service: entry.service, level: entry.level, text });
      }
    };
    let lineNo = 0;
    for await (const line of readLines(file.abs, file.gz, file.label)) {
      lineNo += 1;
      take(assembler.push(line, lineNo));
    }
    take(assembler.flush());
  }
  return records;
}

/** Records as Loki push streams, labelled the way Alloy's defaults do: service_name, and level when known. */
export function lokiStreams(records: LogRecord[]): { stream: Record<string, string>; values: [string, string][] }[] {
  const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
  for (const r of records) {
    const labels: Record<string, string> = { service_name: r.service, ...(r.level ? { level: r.level } : {}) };
    const key = JSON.stringify(labels);
    let s = streams.get(key);
    if (!s) {
      s = { stream: labels, values: [] };
      streams.set(key, s);
    }
    s.values.push([`${BigInt(r.timeMs) * 1_000_000n}`, r.text]);
  }
  return [...streams.values()];
}

/** Records as ECS documents, the way Filebeat or Elastic Agent ship a log line: message, log.level, service.name. */
export function ecsDocuments(records: LogRecord[]): Record<string, unknown>[] {
  return records.map((r) => ({
    '@timestamp': new Date(r.timeMs).toISOString(),
    message: r.text,
    ...(r.level ? { log: { level: r.level } } : {}),
    service: { name: r.service },
  }));
}
