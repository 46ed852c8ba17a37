import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_MIGRATE_LOCK_ID } from 'node-pg-migrate';
import pg from 'pg';
import { migrate } from '../src/migrate.ts';
import { createTestDatabase } from './databases.ts';
import type { TestDatabase } from './databases.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

// A database of its own: these tests start from an empty schema.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('apply once when two replicas start together: one migrates, the other waits for its lock and finds nothing to do', async () => {
    const [first, second] = await Promise.all([migrate(database.url, quiet), migrate(database.url, quiet)]);
    const applied = [first, second].sort((a, b) => b.length - a.length);
    expect(applied[0]).toContain('0001_items');
    expect(applied[1]).toEqual([]);
    const recorded = await query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on, id');
    expect(recorded.map((row) => row.name)).toEqual(applied[0]);
    const columns = await query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position",
    );
    expect(columns.map((row) => row.column_name)).toEqual(expect.arrayContaining(['id', 'name', 'description', 'created_at']));
  });

  it('are idempotent: running them again changes nothing', async () => {
    expect(await migrate(database.url, quiet)).toEqual([]);
    const recorded = await query<{ count: string }>('SELECT count(*) FROM pgmigrations');
    expect(Number(recorded[0]?.count)).toBeGreaterThan(0);
    expect(await migrate(database.url, quiet)).toEqual([]);
    expect(await query<{ count: string }>('SELECT count(*) FROM pgmigrations')).toEqual(recorded);
  });

  it('wait while another replica holds the migration lock, then go on', async () => {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PG_MIGRATE_LOCK_ID]);
      let done = false;
      const running = migrate(database.url, quiet).finally(() => {
        done = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(done, 'migrate must wait for the lock').toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATE_LOCK_ID]);
      expect(await running).toEqual([]);
    } finally {
      await holder.end();
    }
  });
});
