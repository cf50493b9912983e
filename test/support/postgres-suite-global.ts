import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgBaseUrl: string;
  }
}

/**
 * IP_TEST_STATE=postgres (vitest.config.ts): one real PostgreSQL for the whole run, whose URL each test file's setup
 * (postgres-suite.ts) uses to put the bot's default store there instead of in SQLite.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('pgBaseUrl', server.baseUrl);
  return () => server.stop();
}
