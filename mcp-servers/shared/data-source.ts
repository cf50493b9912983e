import path from 'node:path';
import { readDatasetMeta } from './dataset.js';

/**
 * Every server says in its MCP `instructions` whether it serves live systems or a dataset, on one line the host
 * parses (src/host/data-source.ts): a bot must never present a bundled sample incident as the company's own.
 */

export type DataSource =
  | { kind: 'live'; detail: string }
  | { kind: 'sample'; dataset: string; liveVariable: string }
  /** A server with nothing configured to read (no runbooks folder): neither live nor sample, so it mixes with either. */
  | { kind: 'none'; detail: string };

/** The dataset's name from dataset.json, else its folder name; a broken dataset.json is reported by the tools. */
export function datasetName(dataDir: string): string {
  try {
    return readDatasetMeta(dataDir)?.name ?? path.basename(dataDir);
  } catch {
    return path.basename(dataDir);
  }
}

export function dataSourceLine(source: DataSource): string {
  if (source.kind === 'live') return `Data source: live (${source.detail}).`;
  if (source.kind === 'none') return `Data source: none (${source.detail}).`;
  return `Data source: sample dataset "${source.dataset.replace(/["\n]/g, '')}" (set ${source.liveVariable} to read live systems).`;
}
