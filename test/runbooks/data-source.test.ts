import { describe, expect, it } from 'vitest';
import { dataSourceLine } from '../../mcp-servers/shared/data-source.js';
import { checkDataSources, DataSourceError, parseDataSource } from '../../src/host/data-source.js';
import { call, connect, runbooksDir } from './helpers.js';

describe('the runbooks server’s data source', () => {
  it('is none without runbooks, live with RUNBOOKS_PATH, sample with a dataset’s folder', async () => {
    const dir = runbooksDir({ 'a.md': '# A\n\n1. x\n' });
    const cases = [
      [{ paths: [] }, 'none'],
      [{ paths: [dir] }, 'live'],
      [{ paths: [dir], sampleDataset: 'checkout-outage' }, 'sample'],
    ] as const;
    for (const [options, kind] of cases) {
      const conn = await connect({ ...options, paths: [...options.paths] });
      try {
        expect(parseDataSource('runbooks', conn.client.getInstructions()).kind).toBe(kind);
        if (kind === 'none') expect((await call(conn.client, 'search_runbooks', { query: 'pool' })).text).toContain('set RUNBOOKS_PATH');
      } finally {
        await conn.close();
      }
    }
  });

  it('none mixes with live and with sample; live with sample is still refused', () => {
    const none = parseDataSource('runbooks', dataSourceLine({ kind: 'none', detail: 'no runbooks' }));
    const live = parseDataSource('logs', dataSourceLine({ kind: 'live', detail: 'LOGS_PATH' }));
    const sample = parseDataSource('git', dataSourceLine({ kind: 'sample', dataset: 'd', liveVariable: 'GIT_REPO_PATH' }));
    expect(checkDataSources([none, live])).toEqual({});
    expect(checkDataSources([none, sample])).toEqual({ sampleData: 'd' });
    expect(() => checkDataSources([none, live, sample])).toThrow(DataSourceError);
  });
});
