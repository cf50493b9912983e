#!/usr/bin/env node
import { runStdio } from '../shared/stdio.js';
import { ConfigError, loadConfig } from './config.js';
import { createServer, SERVER_NAME } from './server.js';

/** stdio entry point: configuration from the environment; a bad one is one clear stderr line and exit code 2. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${SERVER_NAME}: invalid configuration: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const where = config.backend === 'prometheus' ? `Prometheus at ${config.prometheus.url}` : `dataset ${config.dataDir}`;
  console.error(`${SERVER_NAME}: serving metrics from ${where}`);
  await runStdio(createServer({ config }), SERVER_NAME);
}

main().catch((error: unknown) => {
  console.error(`${SERVER_NAME}: fatal: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
