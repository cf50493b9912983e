import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './prometheus.js';

/** Where `npm run fetch-prometheus` (scripts/fetch-postgres.sh) unpacks Debian's postgresql-15 and its libraries. */
const REPO = ((up) => (path.basename(up) === 'dist' ? path.dirname(up) : up))(path.resolve(import.meta.dirname, '../..'));
const ROOT = path.join(REPO, '.tools/postgresql');
export const POSTGRES_BIN = path.join(ROOT, 'usr/lib/postgresql/15/bin');
const LIBS = path.join(ROOT, 'usr/lib/x86_64-linux-gnu');

/** Connection attempts, 100 ms apart, while the server starts: a cold start on two busy cores takes a few seconds. */
const MAX_READY_POLLS = 300;
const POLL_MS = 100;
/** Server log chunks kept for the error message when it fails to start. */
const MAX_LOG_CHUNKS = 200;
/** The superuser the tests connect as; its password is random per server and travels only in the URL. */
const SUPERUSER = 'postgres';
/** The unprivileged account the server runs as when the tests run as root (PostgreSQL refuses to run as root). */
const SERVER_USER = 'nobody';

/** Durability is pointless for a throwaway cluster; these make start-up and every commit fast. */
const FAST_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
/** Always: JIT needs LLVM, which fetch-postgres.sh leaves out. */
const COMMON_SETTINGS = ['jit=off', 'timezone=UTC', 'max_connections=100', 'shared_buffers=32MB'];

export interface RunningPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>` without a database name. */
  readonly baseUrl: string;
  readonly port: number;
  readonly password: string;
  /** A fresh, empty database on this server; its URL. */
  newDatabase(): Promise<string>;
  /** Fast shutdown then start on the same port and data: the client side sees its connections dropped. */
  restart(pauseMs?: number): Promise<void>;
  /** Fast shutdown, leaving the data; start() brings it back. */
  shutdown(): Promise<void>;
  start(): Promise<void>;
  /** Shuts the server down and removes its folder. */
  stop(): Promise<void>;
}

/** Fails (never skips) when the binaries are missing, saying how to get them. */
export function postgresBinaries(): { initdb: string; postgres: string } {
  const initdb = path.join(POSTGRES_BIN, 'initdb');
  const postgres = path.join(POSTGRES_BIN, 'postgres');
  if (!existsSync(initdb) || !existsSync(postgres)) {
    throw new Error(
      `PostgreSQL is not installed at ${POSTGRES_BIN}: run \`npm run fetch-prometheus\` first (scripts/fetch-postgres.sh unpacks Debian's postgresql-15 there)`,
    );
  }
  return { initdb, postgres };
}

const asRoot = process.getuid?.() === 0;

/** Runs a server binary as SERVER_USER through runuser when we are root, else as ourselves. */
function command(binary: string, args: string[]): [string, string[]] {
  const withLibs = ['env', `LD_LIBRARY_PATH=${LIBS}`, binary, ...args];
  return asRoot ? ['runuser', ['-u', SERVER_USER, '--', ...withLibs]] : [withLibs[0] as string, withLibs.slice(1)];
}

function ownByServerUser(dir: string): void {
  if (!asRoot) return;
  const uid = Number(execFileSync('id', ['-u', SERVER_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', SERVER_USER]).toString().trim());
  chownSync(dir, uid, gid);
}

/**
 * initdb into a temporary folder (owned by the unprivileged server user), then a real PostgreSQL 15 on a free loopback
 * port with its unix socket inside that folder. Host connections need the random password (scram-sha-256), so tests of
 * password handling meet the real authentication. `durable` keeps PostgreSQL's default fsync and synchronous commit
 * (benchmarks); tests leave them off.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<RunningPostgres> {
  const bin = postgresBinaries();
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-postgres-'));
  ownByServerUser(dir);
  const data = path.join(dir, 'data');
  const sockets = path.join(dir, 'sockets');
  const password = randomBytes(12).toString('hex');
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`);
  ownByServerUser(pwfile);
  mkdirSync(sockets);
  ownByServerUser(sockets);
  const [initCmd, initArgs] = command(bin.initdb, [
    '-D',
    data,
    '-U',
    SUPERUSER,
    `--pwfile=${pwfile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  try {
    execFileSync(initCmd, initArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${stderr.slice(-2000)}`);
  }
  const port = await freePort();
  const baseUrl = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const log: string[] = [];

  const shutdown = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    // SIGINT to the postmaster is a fast shutdown; runuser would only forward it, so signal the server directly.
    const pidFile = path.join(data, 'postmaster.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : running.pid;
    if (pid) process.kill(pid, 'SIGINT');
    await exited;
  };

  const start = async () => {
    const [cmd, args] = command(bin.postgres, [
      '-D',
      data,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-k',
      sockets,
      ...[...(options.durable ? [] : FAST_SETTINGS), ...COMMON_SETTINGS].flatMap((setting) => ['-c', setting]),
    ]);
    const started = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    started.stderr?.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.length > MAX_LOG_CHUNKS) log.shift();
    });
    for (let i = 0; i < MAX_READY_POLLS && started.exitCode === null; i += 1) {
      const client = new pg.Client({ connectionString: `${baseUrl}/postgres` });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
    await shutdown();
    throw new Error(`PostgreSQL did not become ready on port ${port}: ${log.join('').slice(-2000)}`);
  };

  let databases = 0;
  const server: RunningPostgres = {
    baseUrl,
    port,
    password,
    async newDatabase() {
      databases += 1;
      const name = `test_${process.pid}_${databases}`;
      const admin = new pg.Client({ connectionString: `${baseUrl}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${baseUrl}/${name}`;
    },
    async restart(pauseMs = 0) {
      await shutdown();
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await start();
    },
    shutdown,
    start,
    async stop() {
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return server;
}
