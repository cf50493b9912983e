import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, fixtureFiles } from './fixture-data.js';

describe('metrics fixture', () => {
  it('is exactly what the generator produces (regenerate with UPDATE_FIXTURE=1)', () => {
    for (const [name, text] of Object.entries(fixtureFiles())) {
      const file = path.join(FIXTURE_DIR, name);
      if (process.env.UPDATE_FIXTURE === '1') {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      expect(readFileSync(file, 'utf8'), `${name} differs from fixture-data.ts`).toBe(text);
    }
  });
});
