#!/usr/bin/env node
import { serveStdio } from '../shared/stdio.js';
import { configFromEnv, RunbooksConfigError } from './config.js';
import { createServer, SERVER_NAME } from './server.js';

/** Stdio entry point: configuration comes from the environment; a bad one is one stderr line and exit code 2. */
serveStdio(
  SERVER_NAME,
  () => createServer(configFromEnv()),
  (error) => (error instanceof RunbooksConfigError ? error.message : undefined),
);
