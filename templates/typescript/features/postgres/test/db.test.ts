import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db.ts';
import type { Database } from '../src/db.ts';
import { testConfig, testService } from './helpers.ts';

// Runs against the real PostgreSQL named by DATABASE_URL (CI starts one as a service).
const opened: Database[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

describe('database readiness', () => {
  it('is ready when PostgreSQL answers', async () => {
    const database = createDatabase(testConfig());
    opened.push(database);
    const { app } = testService({ readinessChecks: { database: () => database.ping() } });
    const response = await app.inject({ url: '/readyz' });
    await app.close();
    expect(response.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('is not ready when PostgreSQL cannot be reached', async () => {
    const unreachable = new URL(testConfig().databaseUrl);
    unreachable.hostname = '127.0.0.1';
    unreachable.port = '1';
    const database = createDatabase({ databaseUrl: unreachable.toString(), databasePoolMax: 1 });
    opened.push(database);
    const { app } = testService({ readinessChecks: { database: () => database.ping() } });
    const response = await app.inject({ url: '/readyz' });
    await app.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'not_ready', checks: { database: 'failed' } });
  });
});
