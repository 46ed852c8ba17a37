import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { addToOutbox } from '../src/events/outbox.ts';
import { newCloudEvent } from '../src/events/cloudevent.ts';
import type { CloudEvent } from '../src/events/cloudevent.ts';
import { OutboxRelay } from '../src/events/relay.ts';
import type { Publisher } from '../src/events/relay.ts';
import { schemaProblems } from '../src/events/schemas.ts';
import type { Broker } from '../src/events/broker.ts';
import { ItemRepository } from '../src/items.ts';
import { createEventMetrics, metricValue, migratedDatabase, observe, quiet, startBroker, truncateAll, uniqueName, waitFor } from './events-helpers.ts';
import type { Observer } from './events-helpers.ts';

const SOURCE = '/test/outbox';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let items: ItemRepository;
beforeAll(async () => {
  db = await migratedDatabase();
  pool = db.pool;
  items = new ItemRepository(pool, SOURCE);
});
afterAll(async () => {
  await db.close();
});

// Each test: an exchange of its own, a broker connection publishing to it, an observer queue.
let exchange: string;
let broker: Broker;
let observer: Observer;
beforeEach(async () => {
  await truncateAll(pool);
  exchange = uniqueName('test-outbox');
  observer = await observe(exchange);
  broker = await startBroker(exchange);
});
afterEach(async () => {
  await broker.close();
  await observer.close();
});

async function count(sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return rows[0]?.n ?? 0;
}

function relay(publisher: Publisher = broker, metrics = createEventMetrics(), batchSize?: number): OutboxRelay {
  return new OutboxRelay({ pool, publisher, metrics, log: quiet, batchSize, pollIntervalMs: 20 });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('the outbox row is written atomically with the state change', () => {
  it('creating an item stores the item and its item.created.v1 event together', async () => {
    const item = await items.create({ name: 'atomic' }, { traceparent: TRACEPARENT });
    const { rows } = await pool.query<{ type: string; event: CloudEvent; headers: object }>('SELECT type, event, headers FROM outbox');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'item.created.v1', headers: { traceparent: TRACEPARENT } });
    expect(rows[0]?.event).toMatchObject({ specversion: '1.0', source: SOURCE, type: 'item.created.v1', subject: item.id });
    expect(schemaProblems('item.created.v1', rows[0]?.event.data)).toEqual([]);
  });

  it('a transaction that fails after the outbox insert leaves no item, no row, and publishes nothing', async () => {
    // Fails every transaction that inserted an outbox row, at its commit: after both inserts ran.
    await pool.query(`CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN RAISE EXCEPTION 'injected failure at commit'; END $$`);
    await pool.query(`CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON outbox
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_at_commit()`);
    try {
      await expect(items.create({ name: 'never' })).rejects.toThrow('injected failure at commit');
    } finally {
      await pool.query('DROP TRIGGER fail_at_commit ON outbox');
      await pool.query('DROP FUNCTION fail_at_commit()');
    }
    expect(await count('items')).toBe(0);
    expect(await count('outbox')).toBe(0);
    expect(await relay().relayOnce()).toBe(0);
    await settle();
    expect(observer.messages).toEqual([]);
  });
});

describe('the relay', () => {
  it('publishes pending rows as structured CloudEvents with publisher confirms, and marks them published', async () => {
    const metrics = createEventMetrics();
    const created = [];
    for (const name of ['one', 'two', 'three']) created.push(await items.create({ name }, { traceparent: TRACEPARENT }));

    expect(await relay({ isConnected: () => false, publish: () => Promise.reject(new Error('unused')) }, metrics).relayOnce(), 'no connection: rows wait').toBe(0);
    expect(await metricValue(metrics, 'outboxPending')).toBe(3);
    expect(await metricValue(metrics, 'outboxOldestPendingAge')).toBeGreaterThan(0);

    expect(await relay(broker, metrics).relayOnce()).toBe(3);
    await waitFor(() => observer.messages.length === 3, 'three messages');
    expect(await count('outbox WHERE published_at IS NULL')).toBe(0);
    expect(await metricValue(metrics, 'outboxPublished')).toBe(3);
    expect(await metricValue(metrics, 'outboxPending')).toBe(0);
    expect(await metricValue(metrics, 'outboxOldestPendingAge')).toBe(0);

    const ids = new Set(created.map((item) => item.id));
    for (const message of observer.messages) {
      const event = JSON.parse(message.content.toString('utf8')) as CloudEvent<{ id: string }>;
      expect(ids.has(event.subject)).toBe(true);
      expect(event).toMatchObject({ specversion: '1.0', type: 'item.created.v1', source: SOURCE, datacontenttype: 'application/json' });
      expect(message.fields.routingKey).toBe('item.created.v1');
      expect(message.properties).toMatchObject({
        contentType: 'application/cloudevents+json',
        messageId: event.id,
        type: 'item.created.v1',
        deliveryMode: 2,
        headers: { traceparent: TRACEPARENT },
      });
    }
    expect(await relay().relayOnce(), 'nothing left').toBe(0);
  });

  it('two relays running at once publish each of a few hundred rows exactly once', async () => {
    const total = 300;
    for (let i = 0; i < total; i += 1) {
      await addToOutbox(pool, newCloudEvent(SOURCE, 'item.created.v1', `subject-${i}`, { i }), {});
    }
    const second = await startBroker(exchange);
    const [metricsA, metricsB] = [createEventMetrics(), createEventMetrics()];
    const relays = [relay(broker, metricsA, 20), relay(second, metricsB, 20)];
    try {
      for (const r of relays) r.start();
      await waitFor(async () => (await count('outbox WHERE published_at IS NULL')) === 0, 'every row published', 20_000);
      await waitFor(() => observer.messages.length >= total, `${total} messages`);
      await settle();
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await second.close();
    }
    const ids = observer.messages.map((message) => message.properties.messageId as string);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect((await metricValue(metricsA, 'outboxPublished')) + (await metricValue(metricsB, 'outboxPublished'))).toBe(total);
  });

  it('pushes a row whose publish failed out with exponential backoff, capped, and records the error', async () => {
    const metrics = createEventMetrics();
    const failing: Publisher = { isConnected: () => true, publish: () => Promise.reject(new Error('the broker said no')) };
    await addToOutbox(pool, newCloudEvent(SOURCE, 'item.created.v1', 'subject', {}), {});
    const row = async () =>
      (
        await pool.query<{ attempts: number; last_error: string; delay: number; published: boolean }>(
          `SELECT attempts, last_error, extract(epoch FROM next_attempt_at - now())::float8 AS delay,
                  published_at IS NOT NULL AS published FROM outbox`,
        )
      ).rows[0];

    expect(await relay(failing, metrics).relayOnce()).toBe(1);
    expect(await row()).toMatchObject({ attempts: 1, last_error: 'the broker said no', published: false });
    expect((await row())?.delay).toBeGreaterThan(0.5);
    expect((await row())?.delay).toBeLessThanOrEqual(1);
    expect(await relay(failing, metrics).relayOnce(), 'not due yet').toBe(0);

    await pool.query('UPDATE outbox SET next_attempt_at = now()');
    await relay(failing, metrics).relayOnce();
    expect((await row())?.attempts).toBe(2);
    expect((await row())?.delay).toBeGreaterThan(1.5);

    await pool.query('UPDATE outbox SET next_attempt_at = now(), attempts = 12');
    await relay(failing, metrics).relayOnce();
    expect((await row())?.delay, 'capped at 30 s').toBeLessThanOrEqual(30);
    expect((await row())?.delay).toBeGreaterThan(29);
    expect(await metricValue(metrics, 'outboxPublishFailures')).toBe(3);

    await pool.query('UPDATE outbox SET next_attempt_at = now()');
    expect(await relay(broker, metrics).relayOnce()).toBe(1);
    expect(await row()).toMatchObject({ published: true });
    await waitFor(() => observer.messages.length === 1, 'the retried event');
  });
});
