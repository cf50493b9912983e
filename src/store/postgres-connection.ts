import type pg from 'pg';
import { redact } from './postgres-config.js';
import { isTransient, type RetryPolicy, withRetry } from './postgres-retry.js';

/**
 * The PostgreSQL store's way to the database: every statement retried across a lost connection, errors scrubbed of the
 * password, and one ordered lane for writes.
 */
export class PgConnection {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly pool: pg.Pool,
    private readonly secrets: readonly string[],
    private readonly retry: RetryPolicy,
  ) {}

  /** Errors leave the store without the password, whatever the driver put in them. */
  private clean(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(redact(String(error), this.secrets));
    error.message = redact(error.message, this.secrets);
    return error;
  }

  /**
   * Writes run one after another in call order, as SQLite runs them, so a later write of a row never loses to an
   * earlier one racing on another connection, and a read that waits for this lane sees the writes made before it.
   */
  enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writing.catch(() => undefined).then(work);
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** One statement, retried; `text` may differ on a retry (one whose earlier try may have committed unseen). */
  async query<R>(text: string | ((retry: number) => string), params: unknown[] = []): Promise<R[]> {
    try {
      return (await withRetry((retry) => this.pool.query(typeof text === 'string' ? text : text(retry), params), this.retry)).rows as R[];
    } catch (error) {
      throw this.clean(error);
    }
  }

  /** Runs `work` in one transaction, retried as a whole when the connection is lost on the way. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await withRetry(async () => {
        const client = await this.pool.connect();
        let broken: Error | undefined;
        try {
          await client.query('BEGIN');
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          if (isTransient(error)) broken = error as Error;
          else await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          // A broken connection is destroyed rather than handed to the next caller.
          client.release(broken);
        }
      }, this.retry);
    } catch (error) {
      throw this.clean(error);
    }
  }
}
