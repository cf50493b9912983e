#!/usr/bin/env node
import { serveStdio } from '../shared/stdio.js';
import { ToolInputError } from '../shared/tool-result.js';
import { checkRepository } from './backends/repo.js';
import { configFromEnv, GitConfigError } from './config.js';
import { createServer, SERVER_NAME } from './server.js';

/** Stdio entry point: configuration comes from the environment; a bad one is one stderr line and exit code 2. */
serveStdio(
  SERVER_NAME,
  async () => {
    const options = configFromEnv();
    const server = createServer(options);
    if (options.repoPath) await checkRepository(options.repoPath);
    return server;
  },
  (error) => (error instanceof GitConfigError || error instanceof ToolInputError ? error.message : undefined),
);
