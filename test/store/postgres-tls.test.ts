import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { type RunningPostgres, startPostgres } from '../support/postgres.js';
import { makeCertificates } from '../support/tls-certs.js';

/** TLS against a real server whose certificate a throwaway CA signed: each sslmode does what libpq's does. */
let server: RunningPostgres;
let dir: string;
let caFile: string;
let otherCaFile: string;
beforeAll(async () => {
  const certs = makeCertificates();
  dir = mkdtempSync(path.join(tmpdir(), 'ip-pgtls-'));
  caFile = path.join(dir, 'ca.pem');
  otherCaFile = path.join(dir, 'other-ca.pem');
  writeFileSync(caFile, certs.ca);
  writeFileSync(otherCaFile, certs.otherCa);
  server = await startPostgres({ tls: { cert: certs.cert, key: certs.key }, alsoListen: ['127.0.0.2'] });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const quick = { openRetry: { maxMs: 200, firstDelayMs: 50, maxDelayMs: 100 } };

/** Whether the store's open connections (idle in its pool after open) are encrypted, as the server sees them. */
async function sslInUse(store: PostgresStore): Promise<boolean> {
  const database = new URL(store.location).pathname.slice(1);
  const admin = new pg.Client({ connectionString: `${server.baseUrl}/postgres` });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ssl: boolean | null }>(
      'SELECT bool_and(s.ssl) AS ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = $1',
      [database],
    );
    if (rows[0]?.ssl === null || rows[0]?.ssl === undefined) throw new Error(`no connection of the store to ${database}`);
    return rows[0].ssl;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL store over TLS', () => {
  it('STATE_CA_FILE verifies the server (verify-full) and the connection is encrypted; require encrypts without a CA', async () => {
    const url = await server.newDatabase();
    const verified = await PostgresStore.open({ url, caFile }, quick);
    expect(await sslInUse(verified)).toBe(true);
    await verified.close();
    const required = await PostgresStore.open({ url: `${url}?sslmode=require` }, quick);
    expect(await sslInUse(required)).toBe(true);
    await required.close();
    const plain = await PostgresStore.open({ url }, quick);
    expect(await sslInUse(plain)).toBe(false);
    await plain.close();
  });

  it('a certificate from another CA is refused under verify-ca and verify-full, naming STATE_URL', async () => {
    const url = await server.newDatabase();
    await expect(PostgresStore.open({ url, caFile: otherCaFile }, quick)).rejects.toThrow(
      /^STATE_URL .*: cannot open the state database: .*(self-signed|unable to verify|certificate)/,
    );
    await expect(PostgresStore.open({ url: `${url}?sslmode=verify-ca&sslrootcert=${otherCaFile}` }, quick)).rejects.toThrow(/certificate/);
  });

  it('verify-full checks the host name; verify-ca does not', async () => {
    // The certificate names 127.0.0.1 and localhost; the server also listens on 127.0.0.2, a name it does not carry.
    const other = (await server.newDatabase()).replace('@127.0.0.1:', '@127.0.0.2:');
    const mismatch = await PostgresStore.open({ url: other, caFile }, quick).then(
      () => 'opened',
      (error: Error) => error.message,
    );
    expect(mismatch).toMatch(/altnames|Hostname\/IP does not match/i);
    const store = await PostgresStore.open({ url: `${other}?sslmode=verify-ca`, caFile }, quick);
    expect(await sslInUse(store)).toBe(true);
    await store.close();
  });
});
