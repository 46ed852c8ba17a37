import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';

export interface TestDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, empty database beside the one DATABASE_URL names, for a test that needs a schema of
 * its own (an empty one, or tables no other test file touches while it counts rows). The
 * DATABASE_URL user must be allowed to create databases, as PostgreSQL's default user is.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = loadConfig().databaseUrl;
  const name = `test_${randomUUID().replaceAll('-', '')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      // FORCE: ends the connections a failed test may have left open.
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
