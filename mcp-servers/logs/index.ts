#!/usr/bin/env node
import { resolveDataDir } from '../shared/dataset.js';
import { runStdio } from '../shared/stdio.js';
import type { LogsServerOptions } from './context.js';
import { SourceError } from './reader/sources.js';
import { createServer, SERVER_NAME } from './server.js';

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
  if (!logsPath) return { dataDir: resolveDataDir(env) };
  return { logsPath, dataDir: nonEmpty(env.DATA_DIR) ? resolveDataDir(env) : undefined };
}

async function main(): Promise<void> {
  let server: ReturnType<typeof createServer>;
  try {
    server = createServer(configFromEnv());
  } catch (error) {
    if (error instanceof SourceError) {
      console.error(`${SERVER_NAME}: invalid configuration: ${error.message} (${error.hint})`);
      process.exit(2);
    }
    throw error;
  }
  await runStdio(server, SERVER_NAME);
}

main().catch((error: unknown) => {
  console.error(`${SERVER_NAME}: fatal:`, error);
  process.exit(1);
});
