import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The sample datasets ship a few of the evaluation runbooks (test/evals/runbooks, the one copy that is edited) in
 * their runbooks/ folder, so `npm run rca` shows the Runbook block out of the box: the right one and a near miss.
 */

const SOURCE = 'test/evals/runbooks';
/** Folders walked up from this file (source or dist/) to the repository root. */
const MAX_UP = 4;

function sourceDir(): string {
  let dir = import.meta.dirname;
  for (let up = 0; up <= MAX_UP; up++) {
    const candidate = path.join(dir, SOURCE);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`${SOURCE} not found above ${import.meta.dirname}`);
}

export function sampleRunbooks(ids: readonly string[]): { file: string; text: string }[] {
  const dir = sourceDir();
  return ids.map((id) => ({ file: id, text: readFileSync(path.join(dir, id), 'utf8') }));
}
