#!/usr/bin/env node
import { serveStdio } from '../shared/stdio.js';
import { KubeConfigError, loadConfig } from './config.js';
import { createBackend, createServer, SERVER_NAME } from './server.js';

/** Stdio entry point: configuration comes from the environment; a bad one is one stderr line and exit code 2. */
serveStdio(
  SERVER_NAME,
  async () => {
    const config = loadConfig();
    return createServer({ config, backend: await createBackend(config) });
  },
  (error) => (error instanceof KubeConfigError ? error.message : undefined),
);
