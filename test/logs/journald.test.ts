import { afterAll, beforeAll, expect } from 'vitest';
import { backendFromEnv } from '../../mcp-servers/logs/backends/config.js';
import { JournaldBackend } from '../../mcp-servers/logs/backends/journald.js';
import { buildJournal, JOURNAL_ENV, JOURNALCTL, journalToolsPresent } from '../support/journal.js';
import { datasetRecords } from '../support/log-records.js';
import { type Connected, connect, tempDir } from './helpers.js';
import { sameAnswersAsFiles } from './parity.js';

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

sameAnswersAsFiles('journal', () => ({ files, store: viaJournal }), { describedAs: 'systemd journal at' });
