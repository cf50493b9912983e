import { statSync } from 'node:fs';
import { z } from 'zod';
import { readJsonFile } from '../../shared/dataset.js';
import type { GitDeployment } from '../backend.js';

/** Times in dataset files: ISO-8601 with a date part; anything Date.parse reads is normalised to UTC. */
export const IsoTime = z
  .string()
  .refine(
    (text) => /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text)),
    'expected an ISO-8601 time such as 2024-05-01T14:30:00Z',
  );

export const DeploymentFileEntry = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  service: z.string().min(1),
  version: z.union([z.string().min(1), z.number()]).transform(String),
  environment: z.string().min(1),
  status: z.string().min(1),
  deployed_at: IsoTime,
  deployed_by: z.string().nullish(),
  commits: z.array(z.string()).optional(),
  description: z.string().nullish(),
});
export const DeploymentsFile = z.array(DeploymentFileEntry);
export type DeploymentFileEntryT = z.infer<typeof DeploymentFileEntry>;

export function toDeployment(entry: DeploymentFileEntryT, source: string): GitDeployment {
  const time = Date.parse(entry.deployed_at);
  return {
    id: entry.id,
    service: entry.service,
    version: entry.version,
    environment: entry.environment,
    status: entry.status,
    deployedAt: new Date(time).toISOString(),
    time,
    deployedBy: entry.deployed_by ?? null,
    commits: entry.commits ?? [],
    description: entry.description ?? null,
    source,
  };
}

/**
 * Reads a JSON file once and again only when it changes on disk, so a long-running server sees edits while
 * repeated tool calls cost a stat. Returns undefined when the file does not exist; throws ToolInputError when
 * it is corrupt (naming the file and, for a syntax error, the line and column).
 */
export class CachedJsonFile<T> {
  private cached: { key: string; value: T } | undefined;

  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  read(): T | undefined {
    let key: string;
    try {
      const stat = statSync(this.file);
      key = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      this.cached = undefined;
      return undefined;
    }
    if (this.cached?.key === key) return this.cached.value;
    const value = readJsonFile(this.file, this.schema);
    this.cached = { key, value };
    return value;
  }
}
