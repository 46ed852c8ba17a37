import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createDatabase } from '../src/db.ts';
import { ItemRepository } from '../src/items.ts';
import { testConfig, testService } from './helpers.ts';

// Runs against the real PostgreSQL named by DATABASE_URL.
const database = createDatabase(testConfig());
const items = new ItemRepository(database.pool);
afterAll(async () => {
  await database.close();
});

describe('item repository', () => {
  it('stores an item and reads it back', async () => {
    const created = await items.create({ name: 'round trip', description: 'stored in PostgreSQL' });
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      name: 'round trip',
      description: 'stored in PostgreSQL',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
    });
    expect(await items.get(created.id)).toEqual(created);
  });

  it('stores a missing description as null', async () => {
    const created = await items.create({ name: 'no description' });
    expect((await items.get(created.id))?.description).toBeNull();
  });

  it('finds nothing for an unknown id, or for one that is not a UUID', async () => {
    expect(await items.get(randomUUID())).toBeUndefined();
    expect(await items.get('not-a-uuid')).toBeUndefined();
  });
});

describe('GET /v1/items/:id', () => {
  it('answers 404 not_found, not a database error, for an id that is not a UUID', async () => {
    const { app } = testService();
    try {
      const response = await app.inject({ url: '/v1/items/not-a-uuid' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    } finally {
      await app.close();
    }
  });
});
