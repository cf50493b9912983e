import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CaseError, listCaseDirs, loadCase } from '../../src/eval/cases.js';

function caseDir(yaml: string, withDataset = true): { root: string; dir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'ip-cases-'));
  const dir = path.join(root, '01-sample');
  mkdirSync(dir);
  if (withDataset) mkdirSync(path.join(dir, 'dataset'));
  writeFileSync(path.join(dir, 'case.yaml'), yaml);
  return { root, dir };
}

describe('case loading', () => {
  test('reads a case, resolving a case-relative dataset and one-or-many fields', () => {
    const { root, dir } = caseDir(
      'title: t\nincident: "it broke"\ndataset: dataset\nsince: 2h\nexpect:\n  suspect:\n    kind: dependency\n  rootCauseKeywords: [dns]\n',
    );
    expect(listCaseDirs(root)).toEqual([dir]);
    const loaded = loadCase(dir);
    expect(loaded).toMatchObject({ name: '01-sample', since: '2h', dataDir: path.join(dir, 'dataset') });
    expect(loaded.expect.suspect?.kind).toEqual(['dependency']);
  });

  test('a dataset path falls back to the repository root', () => {
    const { dir } = caseDir('title: t\nincident: x\ndataset: test/fixtures/git-dataset\nexpect: {}\n', false);
    expect(loadCase(dir, process.cwd()).dataDir).toBe(path.resolve('test/fixtures/git-dataset'));
  });

  test('a missing dataset or a malformed case is a CaseError naming the file', () => {
    const missing = caseDir('title: t\nincident: x\ndataset: nowhere\nexpect: {}\n', false);
    expect(() => loadCase(missing.dir)).toThrow(CaseError);
    const bad = caseDir('title: t\ndataset: dataset\nexpect: {}\n');
    expect(() => loadCase(bad.dir)).toThrow(/case\.yaml: incident/);
  });
});
