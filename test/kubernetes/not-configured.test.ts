import { describe, expect, it } from 'vitest';
import { dataSourceLine } from '../../mcp-servers/shared/data-source.js';
import { datasetHost } from '../../src/eval/servers.js';
import { checkDataSources, parseDataSource } from '../../src/host/data-source.js';
import { failedSources, markIncomplete } from '../../src/report/completeness.js';
import type { Report } from '../../src/report/schema.js';
import { call, connect, datasetBackend, FIXTURE_DIR, structured, TOOLS } from './helpers.js';

const REPORT: Report = {
  summary: 'no cause found',
  rootCause: 'nothing abnormal in the sources',
  confidence: 'medium',
  evidence: [],
  suspect: { kind: 'unknown' },
} as unknown as Report;

describe('a team without Kubernetes', () => {
  it('gets a server whose data source is none: it mixes with live and with sample servers', async () => {
    const conn = await connect(undefined);
    try {
      const source = parseDataSource('kubernetes', conn.client.getInstructions());
      expect(source.kind).toBe('none');
      const live = parseDataSource('logs', dataSourceLine({ kind: 'live', detail: 'LOGS_PATH' }));
      const sample = parseDataSource('git', dataSourceLine({ kind: 'sample', dataset: 'd', liveVariable: 'GIT_REPO_PATH' }));
      expect(checkDataSources([source, live])).toEqual({});
      expect(checkDataSources([source, sample])).toEqual({ sampleData: 'd' });
    } finally {
      await conn.close();
    }
  });

  it('gets answers, not errors, from every tool, so no report counts Kubernetes as a missing source', async () => {
    const conn = await connect(undefined);
    try {
      const calls = [];
      for (const tool of TOOLS) {
        const result = await call(conn.client, tool, {});
        expect(result.isError, tool).toBeFalsy();
        const out = structured(result);
        expect(out).toMatchObject({ total: 0, backend: 'none', note: expect.stringContaining('no Kubernetes configured') });
        calls.push({ server: 'kubernetes', ok: !result.isError, text: JSON.stringify(result.content) });
      }
      const missing = failedSources(calls);
      expect(missing).toEqual([]);
      expect(markIncomplete(REPORT, missing).incomplete).toBeUndefined();
      expect(markIncomplete(REPORT, missing).summary).toBe('no cause found');
      // The same calls failing would have made the report incomplete: the check above can fail.
      const failing = failedSources(calls.map((c) => ({ ...c, ok: false })));
      expect(markIncomplete(REPORT, failing).summary).toMatch(/^incomplete: kubernetes unavailable/);
    } finally {
      await conn.close();
    }
  });

  it('gets no kubernetes server in an evaluation case without cluster state; a case with it does', async () => {
    const without = await datasetHost('data/checkout-outage');
    const withIt = await datasetHost(FIXTURE_DIR);
    try {
      expect(without.listTools().some((tool) => tool.name === 'get_rollouts')).toBe(false);
      expect(withIt.listTools().filter((tool) => (TOOLS as readonly string[]).includes(tool.name)).length).toBe(TOOLS.length);
    } finally {
      await without.close();
      await withIt.close();
    }
  });

  it('the dataset server says it serves a sample dataset', async () => {
    const conn = await connect(datasetBackend());
    try {
      expect(parseDataSource('kubernetes', conn.client.getInstructions()).kind).toBe('sample');
    } finally {
      await conn.close();
    }
  });
});
