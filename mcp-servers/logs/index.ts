#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { resolveDataDir } from '../shared/dataset.js';
import { serveStdio } from '../shared/stdio.js';
import { BackendConfigError, backendFromEnv, createRemoteBackend } from './backends/index.js';
import type { LogsServerOptions } from './context.js';
import { type CustomFormatSpec, FormatConfigError, parseFormatsJson, setCustomFormats } from './parser/custom.js';
import { SourceError } from './reader/sources.js';
import { createServer, SERVER_NAME } from './server.js';
import { servicesFromEnv, ZoneConfigError, zonesFromEnv } from './zones.js';

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Configuration from the environment. With LOGS_PATH (live mode) the dataset folder is read only when
 * DATA_DIR is set explicitly, so the sample dataset's logs and `now` never mix into live logs.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): LogsServerOptions {
  const logsPath = nonEmpty(env.LOGS_PATH);
  const zones = zonesFromEnv(env);
  const services = servicesFromEnv(env);
  const zoned = { ...(zones.fallback || zones.rules.length > 0 ? { zones } : {}), ...(services.length > 0 ? { services } : {}) };
  if (!logsPath) return { dataDir: resolveDataDir(env), ...zoned };
  return { logsPath, dataDir: nonEmpty(env.DATA_DIR) ? resolveDataDir(env) : undefined, ...zoned };
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
    process.stderr.write(`[${SERVER_NAME}] logs backend: ${backend ? backend.describe() : 'files'}\n`);
    return createServer({ ...configFromEnv(), backend });
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
