import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { StoreError } from './types.js';

/** What selects and reaches the PostgreSQL store: STATE_URL, and optionally a password file and a CA file. */
export interface PostgresSettings {
  /** `postgres://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]` */
  url: string;
  /** A file holding the password (a mounted secret), preferred to one in the URL. */
  passwordFile?: string;
  /** PEM CA bundle to verify the server's certificate with; implies sslmode=verify-full unless the URL says otherwise. */
  caFile?: string;
}

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];

export interface ResolvedPostgres {
  pool: pg.PoolConfig;
  /** The URL without its password, for logs and errors. */
  location: string;
  /** Strings that must never appear in a message this store shows (the password). */
  secrets: string[];
}

/** Replaces every secret in a message; a driver error could one day quote what it was given. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}

function readSetting(variable: string, file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new StoreError(`${variable} ${file}: cannot read the ${what} (${code}); point ${variable} at a readable file`);
  }
}

function tlsOptions(mode: SslMode, ca: string | undefined): false | ConnectionOptions {
  if (mode === 'disable') return false;
  // libpq's prefer/require encrypt without checking who answers; the pg driver cannot fall back to plain text, so
  // prefer means require here.
  if (mode === 'prefer' || mode === 'require') return { rejectUnauthorized: false, ...(ca ? { ca } : {}) };
  return {
    rejectUnauthorized: true,
    ...(ca ? { ca } : {}),
    // verify-ca checks the chain only; verify-full (Node's default) also checks the host name.
    ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

/**
 * STATE_URL and its companion files as pg pool options. The URL is parsed here rather than by the driver so that the
 * password file and CA file take effect (the driver lets URL parameters override explicit options) and so every
 * error names the variable without echoing the password.
 */
export function resolvePostgres(settings: PostgresSettings): ResolvedPostgres {
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    throw new StoreError('STATE_URL is not a URL: expected postgres://user@host:5432/database');
  }
  const urlPassword = decodeURIComponent(url.password);
  const secrets = [urlPassword, url.password].filter((s) => s.length > 0);
  const safe = new URL(url.href);
  safe.password = '';
  const location = safe.href;
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new StoreError(`STATE_URL ${location}: expected a postgres:// or postgresql:// URL`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !database) {
    throw new StoreError(`STATE_URL ${location}: name the host and the database (postgres://user@host:5432/database)`);
  }
  const mode = url.searchParams.get('sslmode') ?? (settings.caFile ? 'verify-full' : 'disable');
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new StoreError(`STATE_URL ${location}: sslmode=${mode} is not one of ${SSL_MODES.join(', ')}`);
  }
  const caFile = settings.caFile ?? url.searchParams.get('sslrootcert') ?? undefined;
  const ca = caFile ? readSetting(settings.caFile ? 'STATE_CA_FILE' : 'STATE_URL sslrootcert', caFile, 'CA file') : undefined;
  const filePassword = settings.passwordFile
    ? readSetting('STATE_PASSWORD_FILE', settings.passwordFile, 'password file').replace(/\r?\n$/, '')
    : undefined;
  if (filePassword) secrets.push(filePassword);
  const password = filePassword ?? (urlPassword || undefined);
  return {
    location,
    secrets,
    pool: {
      // A unix socket folder is written percent-encoded (postgres://user@%2Fvar%2Frun%2Fpostgresql/db).
      host: decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1')),
      port: url.port ? Number(url.port) : 5432,
      database,
      user: decodeURIComponent(url.username) || undefined,
      ...(password !== undefined ? { password } : {}),
      ssl: tlsOptions(mode as SslMode, ca),
    },
  };
}
