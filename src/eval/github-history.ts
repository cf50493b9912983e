import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createServer as createGitServer } from '../../mcp-servers/git/server.js';
import { startFakeGitHub } from '../../test/fakes/github/server.js';

/** A case whose dataset holds github/repository.json reads its change history through the GitHub backend. */
export function hasGitHubHistory(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'github', 'repository.json'));
}

/**
 * The git server for one case: over the dataset's git/ files, or, for a case with a github/ folder (docs/git.md), the
 * GitHub backend talking through Octokit to a loopback fake GitHub loaded from that folder, so the case exercises
 * exactly what GITHUB_REPOSITORY gives in production. Closing the server stops the fake.
 */
export async function caseGitServer(dataDir: string): Promise<McpServer> {
  if (!hasGitHubHistory(dataDir)) return createGitServer({ dataDir });
  const fixtureDir = path.join(dataDir, 'github');
  const repository = String(
    (JSON.parse(readFileSync(path.join(fixtureDir, 'repository.json'), 'utf8')) as { full_name?: unknown }).full_name,
  );
  // A fresh token per case: the fake refuses any other, as GitHub would.
  const token = `ghp_${randomBytes(18).toString('hex')}`;
  const fake = await startFakeGitHub(fixtureDir, { repository, token });
  const server = createGitServer({ dataDir, github: { repository, token, apiUrl: fake.url } });
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    await fake.close();
  };
  return server;
}
