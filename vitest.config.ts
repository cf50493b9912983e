import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites spawn real child processes (MCP servers, Prometheus); two cores cannot run many at once.
    maxWorkers: 2,
  },
});
