import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_TEXT_CHARS } from '../../mcp-servers/shared/tool-result.js';
import { call, connect, datasetBackend, structured, text } from './helpers.js';

/** A cluster of `count` ConfigMaps, each edited in the window: more changes than one answer may carry. */
function bigDataset(count: number, pad = 200): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kube-big-'));
  mkdirSync(path.join(dir, 'kubernetes'));
  writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'big', now: '2026-03-10T12:00:00Z' }));
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `config-${String(i).padStart(4, '0')}-${'x'.repeat(pad)}`,
      namespace: 'shop',
      creationTimestamp: '2026-03-01T00:00:00Z',
      managedFields: [
        {
          manager: 'kubectl-edit',
          operation: 'Update',
          time: new Date(Date.parse('2026-03-10T11:00:00Z') + i * 1000).toISOString(),
          fieldsV1: { 'f:data': { 'f:KEY': {} } },
        },
      ],
    },
    data: { KEY: 'v' },
  }));
  writeFileSync(path.join(dir, 'kubernetes', 'config.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return dir;
}

describe('kubernetes tools bound their output', () => {
  const window = { since: '2026-03-10T06:00:00Z', until: '2026-03-10T12:00:00Z' };

  it(`returns ${DEFAULT_LIMIT} items by default and says how many more matched`, async () => {
    const conn = await connect(datasetBackend(bigDataset(DEFAULT_LIMIT + 1)));
    try {
      const result = await call(conn.client, 'get_config_changes', window);
      const out = structured(result);
      expect(out.total).toBe(DEFAULT_LIMIT + 1);
      expect(out.changes.length).toBe(DEFAULT_LIMIT);
      expect(text(result)).toMatch(/… \d+ more matched; narrow the filters/);
      expect(text(result).length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    } finally {
      await conn.close();
    }
  });

  it('exactly the limit matched: nothing is said to be left out', async () => {
    const conn = await connect(datasetBackend(bigDataset(DEFAULT_LIMIT, 1)));
    try {
      const result = await call(conn.client, 'get_config_changes', { ...window, limit: DEFAULT_LIMIT });
      const out = structured(result);
      expect(out.changes.length).toBe(DEFAULT_LIMIT);
      expect(out.total).toBe(DEFAULT_LIMIT);
      expect(text(result)).not.toContain('more matched');
    } finally {
      await conn.close();
    }
  });

  it(`caps limit at ${MAX_LIMIT} and the text at ${MAX_TEXT_CHARS} characters`, async () => {
    const conn = await connect(datasetBackend(bigDataset(MAX_LIMIT + 1)));
    try {
      const result = await call(conn.client, 'get_config_changes', { ...window, limit: MAX_LIMIT });
      expect(structured(result).changes.length).toBe(MAX_LIMIT);
      expect(text(result).length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
      const over = await call(conn.client, 'get_config_changes', { ...window, limit: MAX_LIMIT + 1 });
      expect(over.isError).toBe(true);
    } finally {
      await conn.close();
    }
  });
});
