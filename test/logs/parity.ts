import { describe, expect, test } from 'vitest';
import { type Connected, call } from './helpers.js';

/**
 * Every store backend must answer the four tools as the files backend does over the same dataset: the same services
 * and counts, signatures and totals, matches and entries. One suite, run per store, so a store cannot pass on a
 * weaker check than another.
 */

type Args = Record<string, unknown>;

export interface ParityOptions {
  /** Text the store's list_services answer names it by ("Loki at http://127.0.0.1"). */
  describedAs: string;
  summaries?: Args[];
  searches?: Args[];
  reads?: Args[];
}

const SUMMARIES: Args[] = [{}, { service: 'checkout-api' }, { since: '2h' }];
const SEARCHES: Args[] = [
  { pattern: 'Connection is not available', limit: 3 },
  { pattern: 'time(out|d out)', regex: true },
  { pattern: 'HikariPool', level: 'error', service: 'checkout-api' },
];
const READS: Args[] = [{ limit: 5 }, { service: 'checkout-api', level: 'warn' }];

type Entry = { time: string; level: string; service: string; message: string };
const comparable = (entries: Entry[]) => entries.map((e) => ({ time: e.time, level: e.level, service: e.service, message: e.message }));
type Row = { service: string; entries: number; errors: number; warnings: number; firstSeen: string; lastSeen: string };
const rows = (s: { services: Row[] }) =>
  s.services.map(({ service, entries, errors, warnings, firstSeen, lastSeen }) => ({
    service,
    entries,
    errors,
    warnings,
    firstSeen,
    lastSeen,
  }));
// The example is a signature's first line in time order in a store, in file order with files (a rotated file is read
// after the live one), so everything else of a signature is compared.
type Sig = { example: string };
const noExample = (list: Sig[]) => list.map(({ example: _, ...rest }) => rest);

export function sameAnswersAsFiles(name: string, connected: () => { files: Connected; store: Connected }, options: ParityOptions): void {
  describe(`${name} backend: the same answers as the files`, () => {
    test('list_services: services, counts, first and last seen, now', async () => {
      const { files, store } = connected();
      const a = await call(files.client, 'list_services');
      const b = await call(store.client, 'list_services');
      expect(b.isError, b.text).toBe(false);
      expect(rows(b.structured)).toEqual(rows(a.structured));
      expect(b.structured.now).toBe(a.structured.now);
      expect(b.text).toContain(options.describedAs);
    });

    for (const args of options.summaries ?? SUMMARIES) {
      test(`error_summary ${JSON.stringify(args)}: same signatures and totals`, async () => {
        const { files, store } = connected();
        const a = await call(files.client, 'error_summary', args);
        const b = await call(store.client, 'error_summary', args);
        expect(b.isError, b.text).toBe(false);
        expect(noExample(b.structured.signatures)).toEqual(noExample(a.structured.signatures));
        expect([b.structured.totalErrors, b.structured.totalWarnings]).toEqual([a.structured.totalErrors, a.structured.totalWarnings]);
      });
    }

    for (const args of options.searches ?? SEARCHES) {
      test(`search_logs ${JSON.stringify(args)}: same matches, total, first and last`, async () => {
        const { files, store } = connected();
        const a = await call(files.client, 'search_logs', args);
        const b = await call(store.client, 'search_logs', args);
        expect(b.isError, b.text).toBe(false);
        expect(comparable(b.structured.matches)).toEqual(comparable(a.structured.matches));
        const ends = (s: { total: number; firstMatch: unknown; lastMatch: unknown }) => [s.total, s.firstMatch, s.lastMatch];
        expect(ends(b.structured)).toEqual(ends(a.structured));
      });
    }

    for (const args of options.reads ?? READS) {
      test(`read_logs ${JSON.stringify(args)}: same entries and total`, async () => {
        const { files, store } = connected();
        const a = await call(files.client, 'read_logs', args);
        const b = await call(store.client, 'read_logs', args);
        expect(b.isError, b.text).toBe(false);
        expect(comparable(b.structured.entries)).toEqual(comparable(a.structured.entries));
        expect(b.structured.total).toBe(a.structured.total);
      });
    }
  });
}
