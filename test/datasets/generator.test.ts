import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAll } from '../../scripts/datasets/generate.js';
import { Rng } from '../../scripts/datasets/prng.js';
import { REPO } from './dataset-files.js';

/** sha256 of every file under `root`, keyed by relative path. */
function hashTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else out.set(path.relative(root, abs), createHash('sha256').update(readFileSync(abs)).digest('hex'));
    }
  };
  walk(root);
  return out;
}

const tmp: string[] = [];
afterAll(() => {
  for (const dir of tmp) rmSync(dir, { recursive: true, force: true });
});

function generateInto(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'incidentpilot-datasets-'));
  tmp.push(dir);
  generateAll(dir);
  return dir;
}

describe('dataset generator', () => {
  it('is seeded: the same seed gives the same stream, another seed another', () => {
    const draw = (seed: string) => {
      const r = new Rng(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('writes byte-identical output on two runs, identical to the committed datasets', { timeout: 120_000 }, () => {
    const first = hashTree(generateInto());
    const second = hashTree(generateInto());
    expect(first.size).toBeGreaterThan(14 * 6);
    expect([...second]).toEqual([...first]);

    // The committed files are generated ones: editing data by hand, or the generator without regenerating, fails here.
    for (const [file, hash] of first) {
      const committed = createHash('sha256')
        .update(readFileSync(path.join(REPO, file)))
        .digest('hex');
      expect(committed, `${file} differs from the generator's output; run npm run build && node dist/scripts/datasets/generate.js`).toBe(
        hash,
      );
    }
  });
});
