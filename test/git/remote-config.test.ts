import { describe, expect, it } from 'vitest';
import { configFromEnv, GitConfigError, validateConfig } from '../../mcp-servers/git/config.js';
import { createServer } from '../../mcp-servers/git/server.js';

const TOKEN = 'ghp_configTOKEN0000000000000000000000000';

/** GITHUB_* and GITLAB_* through the git server's config: each mistake names its variable, secrets stay out. */
describe('hosted git configuration', () => {
  it('GitHub: repository and token select the GitHub backend; GITHUB_API_URL defaults to api.github.com', () => {
    const options = configFromEnv({ GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: TOKEN });
    expect(options.github).toEqual({ repository: 'acme/shop', token: TOKEN, apiUrl: 'https://api.github.com' });
    expect(options.repoPath).toBeUndefined();
    const ghes = configFromEnv({ GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: 'https://ghe.example.com/api/v3' });
    expect(ghes.github?.apiUrl).toBe('https://ghe.example.com/api/v3');
  });

  it('GitLab: url, project and token select the GitLab source', () => {
    const options = configFromEnv({ GITLAB_URL: 'https://gitlab.example.com', GITLAB_PROJECT: 'shop/checkout', GITLAB_TOKEN: 'glpat-x' });
    expect(options.gitlab).toEqual({ url: 'https://gitlab.example.com', project: 'shop/checkout', token: 'glpat-x' });
  });

  it('empty variables mean unset', () => {
    const options = configFromEnv({ GITHUB_REPOSITORY: '', GITHUB_TOKEN: '', GITLAB_URL: ' ', GITLAB_PROJECT: '', GITLAB_TOKEN: '' });
    expect(options.github).toBeUndefined();
    expect(options.gitlab).toBeUndefined();
  });

  it.each([
    [{ GITHUB_REPOSITORY: 'acme/shop' }, /GITHUB_TOKEN is not/],
    [{ GITHUB_REPOSITORY: 'acme', GITHUB_TOKEN: TOKEN }, /GITHUB_REPOSITORY must be owner\/name/],
    [{ GITHUB_REPOSITORY: 'acme/shop/extra', GITHUB_TOKEN: TOKEN }, /GITHUB_REPOSITORY must be owner\/name/],
    [{ GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: 'ghe.example.com' }, /GITHUB_API_URL must be an http\(s\) URL/],
    [{ GITHUB_API_URL: 'https://ghe.example.com/api/v3' }, /GITHUB_REPOSITORY is not/],
    [{ GITLAB_URL: 'https://gitlab.com', GITLAB_TOKEN: 'x' }, /GITLAB_PROJECT is not/],
    [{ GITLAB_PROJECT: 'a/b', GITLAB_TOKEN: 'x' }, /GITLAB_URL is not/],
    [{ GITLAB_URL: 'https://gitlab.com', GITLAB_PROJECT: 'a/b' }, /GITLAB_TOKEN is not/],
    [{ GITLAB_URL: 'gitlab.com', GITLAB_PROJECT: 'a/b', GITLAB_TOKEN: 'x' }, /GITLAB_URL must be an http\(s\) URL/],
    [
      { GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: TOKEN, GITLAB_URL: 'https://gitlab.com', GITLAB_PROJECT: 'a/b', GITLAB_TOKEN: 'x' },
      /both GITHUB_REPOSITORY and GITLAB_PROJECT are set/,
    ],
  ])('%o is refused naming the variable', (env, message) => {
    let caught: unknown;
    try {
      configFromEnv(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GitConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain(TOKEN);
  });

  it('a clone and a hosted repository at once is a start-up error', () => {
    const options = configFromEnv({ GIT_REPO_PATH: '/tmp', GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: TOKEN });
    expect(() => validateConfig(options)).toThrow(/both GIT_REPO_PATH and GITHUB_REPOSITORY are set/);
    expect(() => createServer(options)).toThrow(GitConfigError);
  });

  it('the server says it reads live history from GITHUB_REPOSITORY', () => {
    const server = createServer({ github: { repository: 'acme/shop', token: TOKEN, apiUrl: 'http://127.0.0.1:9' } });
    const instructions = (server.server as unknown as { _instructions?: string })._instructions ?? '';
    expect(instructions).toContain('Data source: live (GITHUB_REPOSITORY)');
    expect(instructions).not.toContain(TOKEN);
  });
});
