import { z } from 'zod';

/** Where hosted history comes from: GitHub (github.com or Enterprise Server) or GitLab, read through their REST APIs. */
export interface GitHubSource {
  /** `owner/name` */
  repository: string;
  token: string;
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
}

export interface GitLabSource {
  /** The instance, e.g. https://gitlab.com (the client adds /api/v4). */
  url: string;
  /** The project's id or its full path, e.g. `shop/checkout`. */
  project: string;
  token: string;
}

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

const blank = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;
const optionalText = z.preprocess(blank, z.string().optional());
const httpUrl = (variable: string) =>
  z.preprocess(
    blank,
    z
      .string()
      .refine(
        (text) => /^https?:\/\/[^/\s]+/.test(text) && URL.canParse(text),
        `${variable} must be an http(s) URL, e.g. https://gitlab.example.com`,
      )
      .optional(),
  );

/** The hosted-git variables; an unset or empty variable means "not configured". */
export const RemoteGitEnvSchema = z.object({
  GITHUB_REPOSITORY: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'GITHUB_REPOSITORY must be owner/name, e.g. acme/shop')
      .optional(),
  ),
  GITHUB_TOKEN: optionalText,
  GITHUB_API_URL: httpUrl('GITHUB_API_URL'),
  GITLAB_URL: httpUrl('GITLAB_URL'),
  GITLAB_PROJECT: optionalText,
  GITLAB_TOKEN: optionalText,
});

export interface RemoteSources {
  github?: GitHubSource;
  gitlab?: GitLabSource;
}

/**
 * Reads GITHUB_* and GITLAB_* into at most one hosted source. Throws an Error whose message names the variable: a
 * missing token, a malformed value, or both hosts at once (the server reads one history).
 */
export function remoteSourcesFromEnv(env: NodeJS.ProcessEnv): RemoteSources {
  const parsed = RemoteGitEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const e = parsed.data;
  const out: RemoteSources = {};
  if (e.GITHUB_REPOSITORY) {
    if (!e.GITHUB_TOKEN) throw new Error('GITHUB_REPOSITORY is set but GITHUB_TOKEN is not: give a token that can read the repository');
    out.github = { repository: e.GITHUB_REPOSITORY, token: e.GITHUB_TOKEN, apiUrl: e.GITHUB_API_URL ?? DEFAULT_GITHUB_API_URL };
  } else if (e.GITHUB_API_URL) {
    throw new Error('GITHUB_API_URL is set but GITHUB_REPOSITORY is not: name the repository as owner/name');
  }
  const gitlabSet = [e.GITLAB_URL, e.GITLAB_PROJECT].filter(Boolean).length;
  if (gitlabSet > 0) {
    if (!e.GITLAB_URL) throw new Error('GITLAB_PROJECT is set but GITLAB_URL is not: give the instance, e.g. https://gitlab.com');
    if (!e.GITLAB_PROJECT) throw new Error('GITLAB_URL is set but GITLAB_PROJECT is not: give the project path (group/name) or id');
    if (!e.GITLAB_TOKEN) throw new Error('GITLAB_PROJECT is set but GITLAB_TOKEN is not: give a token with the read_api scope');
    out.gitlab = { url: e.GITLAB_URL, project: e.GITLAB_PROJECT, token: e.GITLAB_TOKEN };
  }
  if (out.github && out.gitlab) {
    throw new Error('both GITHUB_REPOSITORY and GITLAB_PROJECT are set: the git server reads one history; unset one of them');
  }
  return out;
}
