import pg from 'pg';
import type { Config } from './config.ts';

export interface Database {
  pool: pg.Pool;
  /** Resolves when the database answers a trivial query; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One pool per process, made at start-up and closed after the HTTP server has drained. */
export function createDatabase(config: Pick<Config, 'databaseUrl' | 'databasePoolMax'>): Database {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.databasePoolMax,
    // Fail fast when the database is unreachable (or every connection is busy) instead of
    // queueing requests forever.
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection emits 'error' on the pool; without a listener that
  // would crash the process. The next query reconnects.
  pool.on('error', () => undefined);
  return {
    pool,
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
