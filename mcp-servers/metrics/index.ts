#!/usr/bin/env node
import { serveStdio } from '../shared/stdio.js';
import { ConfigError, loadConfig } from './config.js';
import { createServer, SERVER_NAME } from './server.js';

/** stdio entry point: configuration from the environment; a bad one is one clear stderr line and exit code 2. */
serveStdio(
  SERVER_NAME,
  () => {
    const config = loadConfig();
    const where =
      config.backend === 'prometheus'
        ? `Prometheus at ${config.prometheus.url}`
        : config.backend === 'none'
          ? `nowhere (${config.reason})`
          : `dataset ${config.dataDir}`;
    console.error(`${SERVER_NAME}: serving metrics from ${where}`);
    return createServer({ config });
  },
  (error) => (error instanceof ConfigError ? error.message : undefined),
  (error) => (error instanceof Error ? error.message : String(error)),
);
