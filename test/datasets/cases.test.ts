import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { type Dataset, loadDataset, REPO } from './dataset-files.js';

/** docs/eval-case-format.md, as a schema: unknown keys are mistakes, not extensions. */
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);
const Kind = z.enum(['deployment', 'commit', 'config', 'dependency', 'infrastructure', 'capacity', 'unknown']);
const CaseSchema = z.strictObject({
  title: z.string().min(5),
  incident: z.string().min(10),
  dataset: z.string().min(1),
  since: z
    .string()
    .regex(/^\d+[mhd]$/)
    .optional(),
  logFormats: z
    .array(z.strictObject({ name: z.string().min(1), pattern: z.string().min(1), timeLayout: z.string().optional() }))
    .optional(),
  alerts: z.array(z.strictObject({ name: z.string().min(1), runbookUrl: z.url().optional() })).optional(),
  expect: z.strictObject({
    suspect: z
      .strictObject({
        kind: oneOrMany(Kind),
        id: z.array(z.string().min(1)).min(1).optional(),
        service: z.array(z.string()).min(1).optional(),
      })
      .optional(),
    rootCauseKeywords: z.array(z.string().min(2)).min(2).max(4),
    mustNot: z.strictObject({ suspectIds: z.array(z.string()).min(1).optional(), suspectKinds: z.array(Kind).optional() }).optional(),
    minConfidence: z.enum(['low', 'medium', 'high']).optional(),
    maxConfidence: z.enum(['low', 'medium', 'high']).optional(),
    service: z.array(z.string().min(1)).min(1).optional(),
    runbook: z.string().min(1).optional(),
  }),
});
type Case = z.infer<typeof CaseSchema>;

const CASES_DIR = path.join(REPO, 'test/evals');
const caseNames = readdirSync(CASES_DIR).filter((n) => existsSync(path.join(CASES_DIR, n, 'case.yaml')));

function loadCase(name: string): { c: Case; ds: Dataset } {
  const c = CaseSchema.parse(parse(readFileSync(path.join(CASES_DIR, name, 'case.yaml'), 'utf8')));
  const local = path.join('test/evals', name, c.dataset);
  const dir = existsSync(path.join(REPO, local)) ? local : c.dataset;
  return { c, ds: loadDataset(dir) };
}

/** Which production deployments an id names: deployment id, version, or commit sha prefix (≥ 7 chars). */
function resolveId(ds: Dataset, id: string) {
  // Production in any region, and canaries: what serves users (staging does not).
  const prod = ds.deployments.filter((d) => /^(production|canary)/.test(d.environment));
  const byDeploy = prod.filter((d) => d.id === id || d.version === id);
  const commits = id.length >= 7 ? ds.commits.filter((c) => c.sha.startsWith(id)) : [];
  return { deployments: byDeploy, commits };
}

/**
 * A change the cluster records is named by the engine's id for it (kubernetes-changes.ts): `<workload> revision <n>`
 * for a rollout (a ReplicaSet owned by the workload with that revision), `configmap|hpa|scale <ns>/<name>` for a
 * config or scale change; the id must name an object in the dataset's kubernetes/ folder.
 */
function clusterObjectsNaming(ds: Dataset, id: string): number {
  const rollout = /^(\S+) revision (\d+)$/.exec(id);
  if (rollout)
    return ds.kube.filter(
      (o) =>
        o.kind === 'ReplicaSet' &&
        o.metadata.ownerReferences?.some((owner) => owner.name === rollout[1]) &&
        o.metadata.annotations?.['deployment.kubernetes.io/revision'] === rollout[2],
    ).length;
  const named = /^(configmap|secret|hpa|scale) ([\w.-]+)\/([\w.-]+)$/.exec(id);
  const kinds: Record<string, string> = { configmap: 'ConfigMap', secret: 'Secret', hpa: 'HorizontalPodAutoscaler', scale: 'Deployment' };
  if (!named) return 0;
  return ds.kube.filter((o) => o.kind === kinds[named[1] ?? ''] && o.metadata.namespace === named[2] && o.metadata.name === named[3])
    .length;
}

/** A change made outside git (a flag flip, a reload) is named by an id its log line carries. */
function logLinesNaming(ds: Dataset, id: string): number {
  return [...ds.logs.values()]
    .join('\n')
    .split('\n')
    .filter((line) => line.includes(id)).length;
}

describe('evaluation cases', () => {
  it('has the three sample cases and at least ten more, numbered', () => {
    expect(caseNames.slice(0, 3)).toEqual(['01-checkout-outage', '02-memory-leak', '03-upstream-slowdown']);
    expect(caseNames.length).toBeGreaterThanOrEqual(13);
    expect(caseNames.every((n) => /^\d{2}-[a-z0-9-]+$/.test(n))).toBe(true);
  });

  it('check runbooks: at least 8 name one that exists (2 through an alert runbook_url), and some expect none', () => {
    const cases = caseNames.map((n) => loadCase(n).c);
    const named = cases.filter((c) => c.expect.runbook !== undefined && c.expect.runbook !== 'none');
    for (const c of named) expect(existsSync(path.join(CASES_DIR, 'runbooks', c.expect.runbook ?? '')), c.title).toBe(true);
    expect(named.length).toBeGreaterThanOrEqual(8);
    const viaUrl = named.filter((c) =>
      c.alerts?.some((a) => a.runbookUrl && new URL(a.runbookUrl).pathname.endsWith(c.expect.runbook ?? '')),
    );
    expect(viaUrl.length).toBeGreaterThanOrEqual(2);
    expect(cases.filter((c) => c.expect.runbook === 'none').length).toBeGreaterThanOrEqual(3);
  });

  it('spreads over change and no-change causes', () => {
    const kinds = caseNames.map((n) => {
      const k = loadCase(n).c.expect.suspect?.kind;
      return Array.isArray(k) ? k[0] : k;
    });
    for (const kind of ['deployment', 'config', 'dependency', 'infrastructure', 'capacity']) expect(kinds, kind).toContain(kind);
  });

  describe.each(caseNames)('%s', (name) => {
    const { c, ds } = loadCase(name);

    it('points at its dataset: the samples at data/, the others at their own dataset/ folder', () => {
      if (/^0[1-3]-/.test(name)) expect(c.dataset).toMatch(/^data\//);
      else expect(c.dataset).toBe('dataset');
    });

    it('names expected ids that exist and all point at one change of the expected service', () => {
      const ids = c.expect.suspect?.id ?? [];
      const services = new Set<string>();
      const outsideGit = [c.expect.suspect?.kind ?? []].flat().every((k) => k === 'config' || k === 'infrastructure');
      for (const id of ids) {
        const { deployments, commits } = resolveId(ds, id);
        if (deployments.length + commits.length === 0 && clusterObjectsNaming(ds, id) > 0) continue;
        if (outsideGit && deployments.length + commits.length === 0) {
          expect(logLinesNaming(ds, id), id).toBeGreaterThan(0);
          continue;
        }
        expect(deployments.length + commits.length, id).toBeGreaterThan(0);
        for (const d of deployments) services.add(d.service);
        for (const commit of commits) services.add(commit.service ?? '?');
      }
      if (services.size > 0) {
        expect(services.size).toBe(1);
        if (c.expect.suspect?.service) expect(c.expect.suspect.service).toContain([...services][0]);
      }
    });

    it('lists innocent changes that exist and never overlap the expected ones', () => {
      const innocent = c.expect.mustNot?.suspectIds ?? [];
      expect(innocent.length).toBeGreaterThan(0);
      const expected = new Set(
        (c.expect.suspect?.id ?? []).flatMap((id) => {
          const r = resolveId(ds, id);
          return [...r.deployments.map((d) => d.id), ...r.commits.map((x) => x.sha)];
        }),
      );
      for (const id of innocent) {
        const { deployments, commits } = resolveId(ds, id);
        expect(deployments.length + commits.length, id).toBeGreaterThan(0);
        for (const hit of [...deployments.map((d) => d.id), ...commits.map((x) => x.sha)]) expect(expected.has(hit), id).toBe(false);
      }
    });

    it('gives no id for no-culprit causes and forbids blaming a change there', () => {
      const kinds = [c.expect.suspect?.kind ?? []].flat();
      if (kinds.every((k) => ['dependency', 'infrastructure', 'capacity', 'unknown'].includes(k)) && !c.expect.suspect?.id) {
        expect(c.expect.suspect?.id).toBeUndefined();
        expect(c.expect.mustNot?.suspectKinds).toEqual(expect.arrayContaining(['deployment', 'commit']));
      } else {
        expect(c.expect.suspect?.id?.length).toBeGreaterThan(0);
      }
    });

    it('has root-cause keywords that the evidence itself contains (a quiet period has no evidence to name)', () => {
      if ([c.expect.suspect?.kind ?? []].flat().includes('unknown')) {
        expect(c.expect.rootCauseKeywords.every((k) => /\b(no|nothing|not|none)\b/i.test(k))).toBe(true);
        return;
      }
      const haystack = [
        ...ds.logs.values(),
        ...ds.commits.map((x) => x.message),
        JSON.stringify(ds.series.map((s) => s.tags)),
        JSON.stringify(ds.kube),
      ]
        .join('\n')
        .toLowerCase();
      const found = c.expect.rootCauseKeywords.filter((k) => haystack.includes(k.toLowerCase()));
      expect(found.length).toBeGreaterThanOrEqual(1);
    });
  });
});
