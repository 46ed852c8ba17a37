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
  // A client whose connection dies (the database restarts, or ends it) emits 'error': on the
  // pool while the client is idle, on the client itself while it is checked out or being
  // closed. Without a listener either would end the process; with these the query in flight
  // rejects instead, and the pool replaces the client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
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
