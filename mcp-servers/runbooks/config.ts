import { existsSync } from 'node:fs';
import path from 'node:path';
import { isGlob } from '../logs/reader/glob.js';
import { isDirectory, resolveDataDir } from '../shared/dataset.js';
import { liveElsewhere } from '../shared/live-switches.js';

/** Everything createServer needs; index.ts builds it from the environment, tests pass it directly. */
export interface RunbooksServerOptions {
  /** Folders, globs or files of Markdown runbooks (RUNBOOKS_PATH, comma-separated). */
  paths: string[];
  /** Where the runbooks are published (RUNBOOKS_BASE_URL): links are this + the runbook's path. */
  baseUrl?: string;
  /** Set when the runbooks are a sample dataset's, so every answer says it is sample data. */
  sampleDataset?: string;
}

export class RunbooksConfigError extends Error {}

/** The sample datasets keep their runbooks here, so `npm run rca` shows the Runbook block out of the box. */
export const DATASET_RUNBOOKS = 'runbooks';

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * RUNBOOKS_PATH when set; else DATA_DIR/runbooks when it exists (the default dataset's only while no other server is
 * pointed at live systems); else no runbooks (the tools say so).
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): RunbooksServerOptions {
  const raw = nonEmpty(env.RUNBOOKS_PATH);
  const baseUrl = nonEmpty(env.RUNBOOKS_BASE_URL);
  const options: RunbooksServerOptions = { paths: [], ...(baseUrl ? { baseUrl } : {}) };
  if (raw) {
    options.paths = raw
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => path.resolve(entry));
  } else if (!liveElsewhere(env, [])) {
    const dataDir = resolveDataDir(env);
    const folder = path.join(dataDir, DATASET_RUNBOOKS);
    if (isDirectory(folder)) {
      options.paths = [folder];
      options.sampleDataset = path.basename(dataDir);
    }
  }
  validateConfig(options);
  return options;
}

/** One sentence per mistake, naming the variable. */
export function validateConfig(options: RunbooksServerOptions): void {
  for (const entry of options.paths) {
    if (!isGlob(entry) && !existsSync(entry)) throw new RunbooksConfigError(`RUNBOOKS_PATH entry ${entry} does not exist`);
  }
  if (options.baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new RunbooksConfigError(
        `RUNBOOKS_BASE_URL "${options.baseUrl}" is not a URL (e.g. https://github.com/acme/runbooks/blob/main/)`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new RunbooksConfigError(`RUNBOOKS_BASE_URL must be an http(s) URL, got ${url.protocol}`);
  }
}
