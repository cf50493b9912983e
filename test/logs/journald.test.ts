import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendFromEnv } from '../../mcp-servers/logs/backends/config.js';
import { JournaldBackend } from '../../mcp-servers/logs/backends/journald.js';
import { buildJournal, JOURNAL_ENV, JOURNALCTL, journalToolsPresent } from '../support/journal.js';
import { datasetRecords } from '../support/log-records.js';
import { type Connected, call, connect, tempDir } from './helpers.js';

/**
 * The journal backend over a real journal file: an evaluation dataset's entries written in journal export format,
 * turned into a .journal by Debian's systemd-journal-remote and read by Debian's journalctl; each tool's answer is
 * compared with the files backend's.
 */

const DATASET = 'data/checkout-outage';
let files: Connected;
let viaJournal: Connected;
let journalFile: string;

function journalBackend(journalPath: string, dataDir: string): JournaldBackend {
  const config = backendFromEnv({ JOURNAL_PATH: journalPath, JOURNALCTL });
  if (config.kind !== 'journald') throw new Error('expected journald');
  return new JournaldBackend(config, { dataDir, env: JOURNAL_ENV });
}

const dir = tempDir('journal-test-');

beforeAll(async () => {
  expect(journalToolsPresent(), 'run npm run fetch-prometheus (it fetches .tools/journal)').toBe(true);
  journalFile = buildJournal(await datasetRecords(DATASET), dir);
  files = await connect({ dataDir: DATASET });
  viaJournal = await connect({ backend: journalBackend(journalFile, DATASET) });
});

afterAll(async () => {
  await files?.close();
  await viaJournal?.close();
});

type Entry = { time: string; level: string; service: string; message: string };
const comparable = (entries: Entry[]) => entries.map((e) => ({ time: e.time, level: e.level, service: e.service, message: e.message }));

describe('journal backend: the same answers as the files', () => {
  test('list_services', async () => {
    const a = await call(files.client, 'list_services');
    const b = await call(viaJournal.client, 'list_services');
    expect(b.isError, b.text).toBe(false);
    type Row = { service: string; entries: number; errors: number; warnings: number; firstSeen: string; lastSeen: string };
    const strip = (s: { services: Row[] }) =>
      s.services.map(({ service, entries, errors, warnings, firstSeen, lastSeen }) => ({
        service,
        entries,
        errors,
        warnings,
        firstSeen,
        lastSeen,
      }));
    expect(strip(b.structured)).toEqual(strip(a.structured));
    expect(b.text).toContain('systemd journal at');
  });

  for (const args of [{}, { service: 'checkout-api' }, { since: '2h' }]) {
    test(`error_summary ${JSON.stringify(args)}`, async () => {
      const a = await call(files.client, 'error_summary', args);
      const b = await call(viaJournal.client, 'error_summary', args);
      expect(b.isError, b.text).toBe(false);
      type Sig = { example: string };
      const noExample = (list: Sig[]) => list.map(({ example: _, ...rest }) => rest);
      expect(noExample(b.structured.signatures)).toEqual(noExample(a.structured.signatures));
      expect([b.structured.totalErrors, b.structured.totalWarnings]).toEqual([a.structured.totalErrors, a.structured.totalWarnings]);
    });
  }

  for (const args of [
    { pattern: 'Connection is not available', limit: 3 },
    { pattern: 'time(out|d out)', regex: true },
    { pattern: 'HikariPool', level: 'error', service: 'checkout-api' },
  ]) {
    test(`search_logs ${JSON.stringify(args)}`, async () => {
      const a = await call(files.client, 'search_logs', args);
      const b = await call(viaJournal.client, 'search_logs', args);
      expect(b.isError, b.text).toBe(false);
      expect(comparable(b.structured.matches)).toEqual(comparable(a.structured.matches));
      expect([b.structured.total, b.structured.firstMatch, b.structured.lastMatch]).toEqual([
        a.structured.total,
        a.structured.firstMatch,
        a.structured.lastMatch,
      ]);
    });
  }

  for (const args of [{ limit: 5 }, { service: 'checkout-api', level: 'warn' }]) {
    test(`read_logs ${JSON.stringify(args)}`, async () => {
      const a = await call(files.client, 'read_logs', args);
      const b = await call(viaJournal.client, 'read_logs', args);
      expect(b.isError, b.text).toBe(false);
      expect(comparable(b.structured.entries)).toEqual(comparable(a.structured.entries));
      expect(b.structured.total).toBe(a.structured.total);
    });
  }

  test('an unknown service lists the units and identifiers; a missing JOURNAL_PATH is a tool error naming it', async () => {
    const r = await call(viaJournal.client, 'read_logs', { service: 'nope' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/unknown service "nope"; known: .*checkout-api/);
    const missing = await connect({ backend: journalBackend(`${dir}/missing`, DATASET) });
    const m = await call(missing.client, 'read_logs');
    await missing.close();
    expect(m.isError).toBe(true);
    expect(m.text).toMatch(/JOURNAL_PATH .*missing does not exist/);
  });
});
