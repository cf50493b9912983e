import { defineConfig } from 'vitest/config';
import { isExpectedSocketNoise } from './test/support/console-noise.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites spawn real child processes (MCP servers, Prometheus); two cores cannot run many at once.
    maxWorkers: 2,
    // A passing run prints no error lines: the socket errors tests cause on purpose are dropped, nothing else.
    // IP_TEST_STATE=postgres: the stores the tests open by default live in a real PostgreSQL (docs/testing.md).
    ...(process.env.IP_TEST_STATE === 'postgres'
      ? { globalSetup: ['test/support/postgres-suite-global.ts'], setupFiles: ['test/support/postgres-suite.ts'] }
      : {}),
    onConsoleLog: (log, type) => (isExpectedSocketNoise(log, type) ? false : undefined),
  },
});
