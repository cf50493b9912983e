import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { findJsonErrorOffset } from './json-position.js';
import { ToolInputError } from './tool-result.js';

/** The dataset folder every server reads, from DATA_DIR; relative paths resolve against the working directory. */
export const DEFAULT_DATA_DIR = 'data/checkout-outage';

export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.DATA_DIR?.trim();
  return path.resolve(raw && raw.length > 0 ? raw : DEFAULT_DATA_DIR);
}

export const DatasetMetaSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  now: z.iso.datetime({ offset: true }).optional(),
});
export type DatasetMeta = z.infer<typeof DatasetMetaSchema>;

/**
 * Reads and parses a JSON file, turning every failure into a ToolInputError that names the file and,
 * for a syntax error, the line and column, so a user can fix the file rather than guess.
 */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ToolInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ToolInputError(`${file} is not valid JSON: ${describeJsonError(text, error as Error)}`, 'fix the file and call again');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new ToolInputError(
      `${file} does not match the dataset format at ${where}: ${issue?.message ?? 'invalid'}`,
      'see docs/datasets.md',
    );
  }
  return parsed.data;
}

function describeJsonError(text: string, error: Error): string {
  const reported = /position (\d+)/.exec(error.message);
  const position = reported ? Number(reported[1]) : findJsonErrorOffset(text);
  if (position < 0) return error.message;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${error.message.replace(/\s+/g, ' ')} (line ${line}, column ${column})`;
}

/** Reads dataset.json when present; a dataset without one is still valid. */
export function readDatasetMeta(dataDir: string): DatasetMeta | undefined {
  const file = path.join(dataDir, 'dataset.json');
  if (!existsSync(file)) return undefined;
  return readJsonFile(file, DatasetMetaSchema);
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The dataset's "now": dataset.json's `now` when given (a replay), else the newest timestamp the server holds,
 * else the wall clock. Relative windows such as `2h` count back from it.
 */
export function resolveNow(meta: DatasetMeta | undefined, newestInData: number | undefined): Date {
  if (meta?.now) return new Date(meta.now);
  if (newestInData !== undefined && Number.isFinite(newestInData)) return new Date(newestInData);
  return new Date();
}
