import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { deadLetterQueueOf } from '../src/events/broker.ts';
import type { Broker } from '../src/events/broker.ts';
import { newCloudEvent } from '../src/events/cloudevent.ts';
import type { CloudEvent } from '../src/events/cloudevent.ts';
import { EventConsumer } from '../src/events/consumer.ts';
import type { EventMetrics } from '../src/events/metrics.ts';
import { addToOutbox } from '../src/events/outbox.ts';
import { OutboxRelay } from '../src/events/relay.ts';
import type { Publisher } from '../src/events/relay.ts';
import { schemaProblems } from '../src/events/schemas.ts';
import { ItemRepository } from '../src/items.ts';
import { withdrawRejectedItems } from '../src/saga.ts';
import { createEventMetrics, metricValue, migratedDatabase, observe, quiet, startBroker, truncateAll, uniqueName, waitFor } from './events-helpers.ts';
import type { Observer } from './events-helpers.ts';

const SOURCE = '/test/consumer';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const MAX_ATTEMPTS = 3;

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

// Each test: its own exchange and queue, the service's consumer on that queue (as main.ts wires
// it), and an observer that sees everything published to the exchange.
let exchange: string;
let queue: string;
let broker: Broker;
let observer: Observer;
let metrics: EventMetrics;
let deliveries: number;
beforeEach(async () => {
  await truncateAll(pool);
  exchange = uniqueName('test-consumer');
  queue = uniqueName('test-consumer');
  observer = await observe(exchange);
  observer.deleteAfter.queues.push(queue, deadLetterQueueOf(queue));
  metrics = createEventMetrics();
  deliveries = 0;
  const consumer = new EventConsumer({
    pool,
    handlers: { 'item.rejected.v1': withdrawRejectedItems(items) },
    maxAttempts: MAX_ATTEMPTS,
    metrics,
    log: quiet,
  });
  broker = await startBroker(exchange, {
    name: queue,
    bindings: ['item.rejected.v1'],
    maxAttempts: MAX_ATTEMPTS,
    prefetch: 20,
    onMessage: (channel, message) => {
      deliveries += 1;
      return consumer.handle(channel, message);
    },
  });
});
afterEach(async () => {
  await broker.close();
  await observer.close();
});

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values);
  return rows[0]?.n ?? 0;
}

async function newItem(): Promise<string> {
  const id = randomUUID();
  await pool.query('INSERT INTO items (id, name) VALUES ($1, $2)', [id, 'example']);
  return id;
}

function rejection(itemId: string, reason = 'out of stock'): CloudEvent {
  return newCloudEvent('/pricing/pricing', 'item.rejected.v1', itemId, { itemId, reason });
}

/** Publishes as a downstream service would: straight to the exchange. */
function publish(body: Buffer | CloudEvent, headers: Record<string, string> = {}): void {
  const content = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const messageId = Buffer.isBuffer(body) ? randomUUID() : body.id;
  observer.channel.publish(exchange, 'item.rejected.v1', content, {
    persistent: true,
    contentType: 'application/cloudevents+json',
    messageId,
    headers,
  });
}

async function statusOf(id: string): Promise<string | undefined> {
  return (await pool.query<{ status: string }>('SELECT status FROM items WHERE id = $1', [id])).rows[0]?.status;
}

describe('the idempotent consumer', () => {
  it('a relay killed after publishing and before marking publishes again; the consumer changes state once', async () => {
    const itemId = await newItem();
    const event = rejection(itemId);
    await addToOutbox(pool, event, {});
    // Publishes for real, then kills the relay's database connection before it can commit
    // published_at: the relay process "dies" between the broker's confirm and its commit.
    const dying: Publisher = {
      isConnected: () => true,
      async publish(outgoing) {
        await broker.publish(outgoing);
        await pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'relation' AND relation = 'outbox'::regclass AND mode = 'RowShareLock' AND pid <> pg_backend_pid()`,
        );
      },
    };
    await expect(new OutboxRelay({ pool, publisher: dying, metrics: createEventMetrics(), log: quiet }).relayOnce()).rejects.toThrow();
    expect(await count('outbox WHERE id = $1 AND published_at IS NULL', [event.id]), 'still pending').toBe(1);

    expect(await new OutboxRelay({ pool, publisher: broker, metrics: createEventMetrics(), log: quiet }).relayOnce()).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await metricValue(metrics, 'consumerProcessed')) === 2, 'both deliveries handled');

    const copies = observer.messages.filter((message) => message.properties.messageId === event.id);
    expect(copies, 'the broker carried the event twice').toHaveLength(2);
    expect(await metricValue(metrics, 'consumerDuplicates')).toBe(1);
    expect(await statusOf(itemId)).toBe('withdrawn');
    expect(await count("outbox WHERE type = 'item.withdrawn.v1'"), 'one compensation').toBe(1);
    expect(await count('processed_events')).toBe(1);
  });

  it.each([
    ['a body that is not JSON', () => Buffer.from('not json {')],
    ['an event that breaks its schema', () => newCloudEvent('/pricing/pricing', 'item.rejected.v1', 'x', { itemId: 'not-a-uuid', reason: '' })],
  ])(`a poison message (%s) is delivered ${MAX_ATTEMPTS} times, then lands in the dead-letter queue`, async (_what, body) => {
    const poison = body();
    publish(poison);
    await waitFor(async () => (await observer.channel.checkQueue(deadLetterQueueOf(queue))).messageCount === 1, 'the dead-lettered message');
    expect(deliveries).toBe(MAX_ATTEMPTS);
    expect(await metricValue(metrics, 'consumerRedeliveries')).toBe(MAX_ATTEMPTS - 1);
    expect(await metricValue(metrics, 'consumerDeadLettered')).toBe(1);
    expect(await metricValue(metrics, 'consumerProcessed')).toBe(0);
    expect((await observer.channel.checkQueue(queue)).messageCount).toBe(0);
    const dead = await observer.channel.get(deadLetterQueueOf(queue), { noAck: true });
    expect(dead && dead.content, 'the message as it was sent').toEqual(Buffer.isBuffer(poison) ? poison : Buffer.from(JSON.stringify(poison)));
    expect(await count('processed_events')).toBe(0);
  });
});

describe('the saga', () => {
  it('withdraws a rejected item and publishes exactly one item.withdrawn.v1; a repeated rejection changes nothing', async () => {
    const relay = new OutboxRelay({ pool, publisher: broker, metrics: createEventMetrics(), log: quiet });
    const item = await items.create({ name: 'to be rejected' });
    const event = rejection(item.id, 'no price for it');

    publish(event, { traceparent: TRACEPARENT });
    await waitFor(async () => (await metricValue(metrics, 'consumerProcessed')) === 1, 'the rejection handled');
    expect(await items.get(item.id)).toMatchObject({ status: 'withdrawn' });
    const { rows } = await pool.query<{ event: CloudEvent; headers: { traceparent?: string } }>(
      "SELECT event, headers FROM outbox WHERE type = 'item.withdrawn.v1'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.event).toMatchObject({ type: 'item.withdrawn.v1', source: SOURCE, subject: item.id, data: { id: item.id, reason: 'no price for it' } });
    expect(schemaProblems('item.withdrawn.v1', rows[0]?.event.data)).toEqual([]);
    expect(rows[0]?.headers.traceparent, 'the compensation continues the rejection trace').toBe(TRACEPARENT);

    publish(event, { traceparent: TRACEPARENT }); // the same rejection again (same event id)
    publish(rejection(item.id, 'still no price')); // another rejection of the withdrawn item
    publish(rejection(randomUUID())); // a rejection of an item that does not exist
    await waitFor(async () => (await metricValue(metrics, 'consumerProcessed')) === 4, 'every rejection handled');
    expect(await metricValue(metrics, 'consumerDuplicates')).toBe(1);
    expect(await count("outbox WHERE type = 'item.withdrawn.v1'")).toBe(1);

    await relay.relayOnce();
    await waitFor(() => observer.messages.some((message) => message.fields.routingKey === 'item.withdrawn.v1'), 'item.withdrawn.v1 published');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const withdrawn = observer.messages.filter((message) => message.fields.routingKey === 'item.withdrawn.v1');
    expect(withdrawn).toHaveLength(1);
    expect(withdrawn[0]?.properties.headers).toMatchObject({ traceparent: TRACEPARENT });
  });
});
