import { z } from 'zod';

/** The structuredContent contract of the git server's tools (see logs/schemas.ts for the rule on changes). */

export const CommitSchema = z.object({
  sha: z.string(),
  shortSha: z.string(),
  author: z.string(),
  date: z.string().describe('ISO-8601 UTC'),
  message: z.string(),
  files: z.array(z.string()),
  service: z.string().nullable(),
  filesTotal: z.number().int().optional().describe('files the commit changed; `files` lists at most 50'),
  services: z.array(z.string()).optional().describe('every service the commit touched, busiest first'),
  pullRequest: z
    .object({ number: z.number().int(), title: z.string(), labels: z.array(z.string()), mergedAt: z.string() })
    .optional()
    .describe('the merged pull/merge request this commit merged (GitHub/GitLab backends)'),
});
export type CommitOut = z.infer<typeof CommitSchema>;

export const DeploymentSchema = z.object({
  id: z.string(),
  service: z.string(),
  version: z.string(),
  environment: z.string(),
  status: z.string(),
  deployedAt: z.string().describe('ISO-8601 UTC'),
  deployedBy: z.string().nullable(),
  commits: z.array(z.string()),
  description: z.string().nullable(),
  source: z.string().optional().describe('where the deployment came from: a deployments file or `tag <name>`'),
});
export type DeploymentOut = z.infer<typeof DeploymentSchema>;

export const CommitListOutput = z.object({
  commits: z.array(CommitSchema).describe('newest first'),
  total: z.number().int(),
  truncated: z.boolean(),
  note: z.string().optional().describe('why the list is empty or partial, e.g. the dataset has no commits file'),
});

export const DeploymentListOutput = z.object({
  deployments: z.array(DeploymentSchema).describe('newest first'),
  total: z.number().int(),
  truncated: z.boolean(),
  note: z.string().optional().describe('why the list is empty or partial, e.g. the dataset has no deployments file'),
});

export const GetCommitOutput = z.object({
  commit: CommitSchema.extend({
    diffStat: z.array(z.object({ file: z.string(), added: z.number().int().nullable(), removed: z.number().int().nullable() })).nullable(),
    diffStatFilesTotal: z.number().int().nullable().optional().describe('files in the full diff stat; `diffStat` shows the largest 100'),
  }),
  deployments: z.array(DeploymentSchema).describe('deployments that shipped this commit'),
});
