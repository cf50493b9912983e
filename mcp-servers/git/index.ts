#!/usr/bin/env node
import { runStdio } from '../shared/stdio.js';
import { ToolInputError } from '../shared/tool-result.js';
import { checkRepository } from './backends/repo.js';
import { configFromEnv, GitConfigError } from './config.js';
import { createServer, SERVER_NAME } from './server.js';

/** Stdio entry point: configuration comes from the environment; a bad one is one stderr line and exit code 2. */
async function main(): Promise<void> {
  const options = configFromEnv();
  let server: ReturnType<typeof createServer>;
  try {
    server = createServer(options);
    if (options.repoPath) await checkRepository(options.repoPath);
  } catch (error) {
    if (error instanceof GitConfigError || error instanceof ToolInputError) {
      console.error(`${SERVER_NAME}: invalid configuration: ${error.message}`);
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
