import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CommitOut, DeploymentOut } from '../../mcp-servers/git/schemas.js';
import { type Change, scoreChanges } from '../../src/engines/builtin/changes.js';
import { ownCodeRefs, withTraced } from '../../src/engines/builtin/code-trace.js';
import { createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { LATENT_AGE_MS, latentSentence, latentTrigger } from '../../src/engines/builtin/latent.js';
import { datasetHost } from '../../src/eval/servers.js';
import { novelSymptom, scoredDeployment } from './support/correlator-fixtures.js';

const panic = {
  ...novelSymptom('panic serving request: botscore: feature file has <n> features', ['edge']),
  trace: [
    'goroutine 7 [running]:',
    'edge/internal/botscore.(*FeatureLoader).Load(0xc000a1c000)',
    '/src/edge/internal/botscore/features.go:88 +0x1d4',
    'net/http.HandlerFunc.ServeHTTP(0xc000120a80)',
    '/usr/local/go/src/net/http/server.go:2166 +0x29',
    'at org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)',
  ].join('\n'),
};

function commit(sha: string, date: string, files: string[], message = 'change'): CommitOut {
  return { sha, shortSha: sha.slice(0, 7), author: 'a', date, message, files, service: 'edge' };
}

describe('tracing the code the errors name', () => {
  test('frames of our own code are traced, files first; runtime and framework frames are not', () => {
    const refs = ownCodeRefs([panic]).map((ref) => `${ref.form}:${ref.ref}`);
    expect(refs[0]).toBe('file:/src/edge/internal/botscore/features.go');
    expect(refs).toContain('class:FeatureLoader');
    expect(refs.join(' ')).not.toMatch(/server\.go|DispatcherServlet|ServeHTTP/);
  });

  test('at most four references are searched however long the trace', () => {
    const many = Array.from({ length: 12 }, (_, i) => `/src/edge/internal/mod${i}/file${i}.go:1`).join('\n');
    expect(ownCodeRefs([{ ...panic, trace: many }])).toHaveLength(4);
  });

  test('traced commits and the deployments that shipped them join the history once each', () => {
    const known = commit('a'.repeat(40), '2026-03-09T10:00:00Z', ['x.go']);
    const old = commit('b'.repeat(40), '2026-02-13T08:00:00Z', ['edge/internal/botscore/features.go']);
    const deploy = (id: string): DeploymentOut => ({
      id,
      service: 'edge',
      version: 'v1',
      environment: 'production',
      status: 'succeeded',
      deployedAt: '2026-02-13T11:00:00Z',
      deployedBy: null,
      commits: [old.sha],
      description: null,
    });
    const history = { recorded: true, commits: [{ value: known, callId: 'T1' }], deployments: [{ value: deploy('d1'), callId: 'T2' }] };
    const merged = withTraced(history, {
      commits: [
        { value: old, callId: 'T3' },
        { value: known, callId: 'T3' },
      ],
      deployments: [
        { value: deploy('d1'), callId: 'T4' },
        { value: deploy('d2'), callId: 'T4' },
      ],
    });
    expect(merged.commits.map(({ value }) => value.sha)).toEqual([known.sha, old.sha]);
    expect(merged.deployments.map(({ value }) => value.id)).toEqual(['d1', 'd2']);
    expect(merged.recorded).toBe(true);
  });

  test('a change that touched the code the errors ran through keeps its weight however old, and is linked by code', () => {
    const change = (id: string, at: string, files: string[]): Change => ({
      kind: 'deployment',
      id,
      service: 'edge',
      at,
      text: id,
      files,
      commits: [commit(`${id}${'0'.repeat(40)}`.slice(0, 40), at, files)],
      declaredCommits: [],
      callId: 'T1',
      needles: [],
    });
    const ctx = {
      onset: new Date('2026-03-09T11:10:00Z'),
      primary: ['edge'],
      symptomServices: ['edge'],
      allServices: ['edge'],
      symptomTokens: new Map<string, number>(),
      deploymentsRecorded: true,
    };
    const old = change('old', '2026-02-13T11:10:00Z', ['edge/internal/botscore/features.go']);
    const recent = change('new', '2026-03-09T10:30:00Z', ['edge/internal/tls/sni.go']);
    const without = scoreChanges([old, recent], ctx);
    expect(without[0]?.change.id).toBe('new');
    const withCode = scoreChanges([old, recent], { ...ctx, codeSymptoms: [panic] });
    expect(withCode[0]?.change.id).toBe('old');
    expect(withCode[0]?.links).toContain('code');
    expect(withCode[1]?.links).not.toContain('code');
  });
});

describe('a latent defect and its trigger', () => {
  const onset = new Date('2026-03-09T11:10:00Z');
  const entry = (id: string, at: string, links: ('time' | 'service' | 'text' | 'code')[]) => ({
    ...scoredDeployment(id, 'edge', at, `release ${id}`, 0.5),
    links,
  });

  test('the newest time-linked change before the onset is the trigger; the defect must be older than a day', () => {
    const defect = entry('old', '2026-02-13T11:10:00Z', ['code', 'service']);
    const herring = entry('herring', '2026-03-09T10:30:00Z', ['time', 'service']);
    const grants = entry('grants', '2026-03-09T11:05:00Z', ['time']);
    const after = entry('after', '2026-03-09T11:20:00Z', ['time']);
    expect(latentTrigger(defect, [defect, herring, grants, after], onset)?.change.id).toBe('grants');
    expect(latentSentence(defect, [defect, herring, grants], onset)).toContain('What set it off now is most likely deployment grants');
    expect(latentSentence(defect, [defect], onset)).toContain('No change shortly before the onset explains why it surfaced now');
    // Just under a day old: not latent, nothing is said.
    const young = entry('young', new Date(onset.getTime() - LATENT_AGE_MS + 60_000).toISOString(), ['code']);
    expect(latentSentence(young, [young, grants], onset)).toBe('');
    expect(latentTrigger(young, [young, grants], onset)).toBeUndefined();
    const oneDay = entry('day', new Date(onset.getTime() - LATENT_AGE_MS).toISOString(), ['code']);
    expect(latentTrigger(oneDay, [oneDay, grants], onset)?.change.id).toBe('grants');
    // Linked by words, not by code: no claim of a latent defect.
    expect(latentSentence(entry('words', '2026-02-13T11:10:00Z', ['text']), [grants], onset)).toBe('');
  });

  test('case 45: the 24-day-old release is traced through search_commits and get_commit, and the grants change named', async () => {
    const host = await datasetHost(path.resolve('test/evals/45-latent-feature-limit/dataset'));
    try {
      const report = await createBuiltinEngine(host).analyze({ incident: 'Most edge requests return 500 since about 11:10', since: '4h' });
      expect(report.suspect?.id).toBe('ep-4410');
      expect(report.toolCalls.map((call) => call.tool)).toEqual(expect.arrayContaining(['search_commits', 'get_commit']));
      expect(report.rootCause).toContain('a latent defect');
      expect(report.rootCause).toContain('of warehouse-grants');
    } finally {
      await host.close();
    }
  });
});
