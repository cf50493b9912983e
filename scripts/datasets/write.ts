import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Document, isSeq, visit } from 'yaml';
import { writeGitHubFixture } from '../../test/fakes/github/fixture.js';
import { datasetToGitHubFixture } from '../../test/fakes/github/from-dataset.js';
import type { SeriesOut } from './metrics.js';
import type { EvalCase, GitHubHistory } from './scenario.js';
import type { DatasetFiles } from './world.js';

/** Writes a dataset folder from scratch, so files a scenario no longer produces do not linger. */
export function writeDataset(dir: string, files: DatasetFiles, github?: GitHubHistory): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  mkdirSync(path.join(dir, 'metrics'), { recursive: true });
  writeFileSync(path.join(dir, 'dataset.json'), `${JSON.stringify(files.meta, null, 2)}\n`);
  for (const log of files.logs) {
    const target = path.join(dir, 'logs', log.file);
    // gzipSync writes mtime 0 in the header, so the bytes depend on the text alone.
    writeFileSync(target, log.gzip ? gzipSync(Buffer.from(log.text), { level: 9 }) : log.text);
  }
  if (github) {
    const pulls = github.pulls.map((p) => ({
      number: p.number,
      title: p.title,
      labels: p.labels,
      sha: p.commit.sha,
      mergedAt: p.commit.date,
    }));
    writeGitHubFixture(path.join(dir, 'github'), datasetToGitHubFixture(github.repository, files.commits, files.deployments, pulls));
  } else {
    mkdirSync(path.join(dir, 'git'), { recursive: true });
    writeFileSync(path.join(dir, 'git', 'commits.json'), `${JSON.stringify(files.commits, null, 2)}\n`);
    writeFileSync(path.join(dir, 'git', 'deployments.json'), `${JSON.stringify(files.deployments, null, 2)}\n`);
  }
  writeFileSync(path.join(dir, 'metrics', 'metrics.json'), metricsJson(files.metrics.series));
  for (const { file, list } of files.kubernetes ?? []) {
    mkdirSync(path.join(dir, 'kubernetes'), { recursive: true });
    writeFileSync(path.join(dir, 'kubernetes', file), `${JSON.stringify(list, null, 1)}\n`);
  }
  for (const runbook of files.runbooks ?? []) {
    const target = path.join(dir, 'runbooks', runbook.file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, runbook.text);
  }
}

/** One series per line-group and its points on one line: diffable, and a third of the size of indent-2 JSON. */
function metricsJson(series: SeriesOut[]): string {
  const body = series
    .map((s) => {
      const head = `    {"metric": ${JSON.stringify(s.metric)}, "tags": ${JSON.stringify(s.tags)}, "unit": ${JSON.stringify(s.unit)},`;
      return `${head}\n     "points": ${JSON.stringify(s.points)}}`;
    })
    .join(',\n');
  return `{\n  "series": [\n${body}\n  ]\n}\n`;
}

export function writeCase(dir: string, evalCase: EvalCase, header: string): void {
  mkdirSync(dir, { recursive: true });
  const doc = new Document(evalCase);
  visit(doc, {
    Seq(_, node) {
      if (isSeq(node)) node.flow = true;
    },
  });
  const comment = header
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n');
  writeFileSync(path.join(dir, 'case.yaml'), `${comment}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`);
}
