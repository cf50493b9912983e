#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { serveStdio } from '../shared/stdio.js';
import { BackendConfigError, backendFromEnv, createRemoteBackend } from './backends/index.js';
import { configFromEnv } from './config.js';
import { type CustomFormatSpec, FormatConfigError, parseFormatsJson, setCustomFormats } from './parser/custom.js';
import { SourceError } from './reader/sources.js';
import { createServer, SERVER_NAME } from './server.js';
import { ZoneConfigError } from './zones.js';

export { configFromEnv } from './config.js';

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** LOG_FORMATS (a JSON array) or LOG_FORMATS_FILE (a JSON file holding one): the team's own formats. */
export function formatsFromEnv(env: NodeJS.ProcessEnv = process.env): CustomFormatSpec[] {
  const inline = nonEmpty(env.LOG_FORMATS);
  const file = nonEmpty(env.LOG_FORMATS_FILE);
  try {
    if (inline) return parseFormatsJson(inline);
    if (file) return parseFormatsJson(readFileSync(file, 'utf8'));
  } catch (error) {
    const where = inline ? 'LOG_FORMATS' : `LOG_FORMATS_FILE (${file})`;
    throw new FormatConfigError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return [];
}

serveStdio(
  SERVER_NAME,
  () => {
    setCustomFormats(formatsFromEnv());
    const backend = createRemoteBackend(backendFromEnv(), { dataDir: nonEmpty(process.env.DATA_DIR) });
    const config = configFromEnv();
    process.stderr.write(`[${SERVER_NAME}] logs backend: ${backend ? backend.describe() : (config.noneReason ?? 'files')}\n`);
    return createServer({ ...config, backend });
  },
  (error) => {
    if (error instanceof FormatConfigError)
      return error.message.startsWith('LOG_FORMATS') ? error.message : `LOG_FORMATS: ${error.message}`;
    if (error instanceof SourceError) return `${error.message} (${error.hint})`;
    if (error instanceof ZoneConfigError) return error.message;
    if (error instanceof BackendConfigError) return error.message;
    return undefined;
  },
);
