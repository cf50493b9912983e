import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redact, resolvePostgres, SSL_MODES } from '../../src/store/postgres-config.js';
import { lexemes } from '../../src/store/postgres-memory.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ip-pgconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ca = path.join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

describe('STATE_URL and its files', () => {
  it('splits the URL into pool options; the location drops the password, percent-decoding user, password and socket folder', () => {
    const resolved = resolvePostgres({ url: 'postgres://bot%40corp:p%40ss%2Fw@%2Fvar%2Frun%2Fpostgresql/incident%20db' });
    expect(resolved.pool).toMatchObject({
      host: '/var/run/postgresql',
      port: 5432,
      database: 'incident db',
      user: 'bot@corp',
      password: 'p@ss/w',
    });
    expect(resolved.location).toBe('postgres://bot%40corp@%2Fvar%2Frun%2Fpostgresql/incident%20db');
    expect(resolved.secrets).toEqual(expect.arrayContaining(['p@ss/w', 'p%40ss%2Fw']));
    expect(resolvePostgres({ url: 'postgresql://bot@[::1]:6543/db' }).pool).toMatchObject({ host: '::1', port: 6543 });
  });

  it('each sslmode maps to its TLS options; no mode and no CA file is plain text', () => {
    const tls = (query: string, caFile?: string) =>
      resolvePostgres({ url: `postgres://bot@db.internal/x${query}`, ...(caFile ? { caFile } : {}) }).pool.ssl;
    expect(tls('')).toBe(false);
    expect(tls('?sslmode=disable')).toBe(false);
    expect(tls('?sslmode=prefer')).toEqual({ rejectUnauthorized: false });
    expect(tls('?sslmode=require')).toEqual({ rejectUnauthorized: false });
    const verifyCa = tls(`?sslmode=verify-ca&sslrootcert=${ca}`) as {
      rejectUnauthorized: boolean;
      ca: string;
      checkServerIdentity?: unknown;
    };
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(typeof verifyCa.checkServerIdentity).toBe('function');
    const verifyFull = tls('?sslmode=verify-full') as { rejectUnauthorized: boolean; checkServerIdentity?: unknown };
    expect(verifyFull).toEqual({ rejectUnauthorized: true });
    // A CA file alone asks for full verification; a mode in the URL still wins.
    expect(tls('', ca)).toMatchObject({ rejectUnauthorized: true, ca: expect.any(String) });
    expect((tls('', ca) as { checkServerIdentity?: unknown }).checkServerIdentity).toBeUndefined();
    expect(tls('?sslmode=disable', ca)).toBe(false);
    expect(SSL_MODES).toEqual(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']);
  });

  it('names what is wrong without echoing the password', () => {
    const cases: Array<[string, RegExp]> = [
      ['not a url', /^STATE_URL is not a URL/],
      ['mysql://u:topsecret@h/db', /^STATE_URL mysql:\/\/u@h\/db: expected a postgres:\/\/ or postgresql:\/\/ URL/],
      ['postgres://u:topsecret@h', /^STATE_URL postgres:\/\/u@h: name the host and the database/],
      ['postgres://u:topsecret@h/db?sslmode=on', /^STATE_URL postgres:\/\/u@h\/db\?sslmode=on: sslmode=on is not one of/],
      [
        'postgres://u:topsecret@h/db?sslrootcert=/nonexistent/ca',
        /^STATE_URL sslrootcert \/nonexistent\/ca: cannot read the CA file \(ENOENT\)/,
      ],
    ];
    for (const [url, message] of cases) {
      expect(() => resolvePostgres({ url })).toThrow(message);
      expect(() => resolvePostgres({ url })).not.toThrow(/topsecret/);
    }
  });

  it('redact replaces every occurrence of every secret and ignores empty ones', () => {
    expect(redact('a s3cret b s3cret c hunter2', ['s3cret', '', 'hunter2'])).toBe('a *** b *** c ***');
  });

  it('text is cut into words the way FTS5 unicode61 cuts it', () => {
    expect(lexemes('Checkout-API: Café réservé, db-1.internal x_y 502s ÉCHEC')).toEqual([
      'checkout',
      'api',
      'cafe',
      'reserve',
      'db',
      '1',
      'internal',
      'x',
      'y',
      '502s',
      'echec',
    ]);
    expect(lexemes(`${'a'.repeat(500)} ${'b'.repeat(501)}`)).toEqual(['a'.repeat(500)]);
  });
});
