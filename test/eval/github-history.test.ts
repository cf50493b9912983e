import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer as createGitServer } from '../../mcp-servers/git/server.js';
import { loadCase } from '../../src/eval/cases.js';
import { caseGitServer, hasGitHubHistory } from '../../src/eval/github-history.js';
import { InProcessHost } from '../../src/eval/in-process-host.js';
import { builtinProvider } from '../../src/eval/providers.js';
import { runCase } from '../../src/eval/runner.js';

/** Cases 68 and 69 carry their change history only as a GitHub fixture: the runner serves it through the fake. */
const CASES = ['68-waf-regex-github', '69-content-update-github'].map((name) => path.resolve('test/evals', name));

describe('eval cases whose history comes through the GitHub backend', () => {
  const hosts: InProcessHost[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
  });

  it.each(CASES)('%s has no git/ files: the dataset backend alone sees no history', async (dir) => {
    const evalCase = loadCase(dir);
    expect(hasGitHubHistory(evalCase.dataDir)).toBe(true);
    const host = await InProcessHost.connect([{ name: 'git', server: createGitServer({ dataDir: evalCase.dataDir }) }]);
    hosts.push(host);
    const text = JSON.stringify(await host.callTool('get_deployments', {}));
    expect(text).toContain('it has no git/deployments.json');
  });

  it.each(CASES)('%s: the git server over the fake GitHub names the culprit deployment and its pull request', async (dir) => {
    const evalCase = loadCase(dir);
    const host = await InProcessHost.connect([{ name: 'git', server: await caseGitServer(evalCase.dataDir) }]);
    hosts.push(host);
    const result = JSON.stringify(await host.callTool('get_deployments', { since: '4h' }));
    expect(result).toContain('GitHub deployment');
    const culprit = (evalCase.expect.suspect?.id ?? [])[0] ?? '';
    expect(result).toContain(`id=${culprit}`);
    expect(result).toMatch(/PRs: #\d+ /);
  });

  it.each(CASES)('%s passes with the built-in engine', async (dir) => {
    const result = await runCase(loadCase(dir), builtinProvider);
    expect(result.error).toBeUndefined();
    expect(result.failures).toEqual([]);
    expect(result.report?.toolCalls.some((call) => call.tool === 'get_deployments')).toBe(true);
  });
});
