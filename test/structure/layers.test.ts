import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every import specifier of the TypeScript files under a folder, with the file it is in. */
function importsUnder(dir: string): { file: string; from: string }[] {
  const out: { file: string; from: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    for (const match of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) out.push({ file, from: match[1] ?? '' });
  }
  return out;
}

describe('layers', () => {
  it('src/report/ imports nothing from src/agent/ (the report is below the agent)', () => {
    const upward = importsUnder('src/report').filter(({ file, from }) =>
      path.resolve(path.dirname(file), from).startsWith(path.resolve('src/agent')),
    );
    expect(upward).toEqual([]);
  });
});
