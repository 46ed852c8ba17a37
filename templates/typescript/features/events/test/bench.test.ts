import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { expect, it } from 'vitest';
import { newCloudEvent } from '../src/events/cloudevent.ts';
import { OutboxRelay } from '../src/events/relay.ts';
import { ItemRepository } from '../src/items.ts';
import { amqpUrl, createEventMetrics, migratedDatabase, quiet, startBroker, uniqueName, waitFor } from './events-helpers.ts';

// The benchmark hook for bench/: skipped unless EVENTS_BENCH names a number of events, e.g.
//   EVENTS_BENCH=2000 npx vitest run test/bench.test.ts
// Pushes that many item.created.v1 events through each path with 16 in flight, against the
// PostgreSQL at DATABASE_URL and the RabbitMQ at AMQP_URL, timing each event from the start of
// its create call to a consumer receiving it, and prints one EVENTS_BENCH line per path.
const events = Number(process.env['EVENTS_BENCH'] ?? 0);
const IN_FLIGHT = 16;

interface Result {
  path: 'outbox' | 'direct';
  events: number;
  seconds: number;
  perSecond: number;
  p99Ms: number;
}

async function measure(path: Result['path'], create: (name: string) => Promise<string>, received: Map<string, number>): Promise<Result> {
  const started = new Map<string, number>();
  const begin = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < events) {
        next += 1;
        const at = performance.now();
        const id = await create(`bench-${path}-${next}`);
        started.set(id, at);
      }
    }),
  );
  await waitFor(() => [...started.keys()].every((id) => received.has(id)), `${events} ${path} events`, 120_000);
  const seconds = (Math.max(...[...started.keys()].map((id) => received.get(id) ?? 0)) - begin) / 1000;
  const latencies = [...started].map(([id, at]) => (received.get(id) ?? 0) - at).sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] ?? 0;
  const round = (value: number, places: number) => Number(value.toFixed(places));
  return { path, events, seconds: round(seconds, 3), perSecond: round(events / seconds, 1), p99Ms: round(p99, 1) };
}

it.skipIf(!(events > 0))('EVENTS_BENCH: outbox and relay against publishing from the handler', async () => {
  const db = await migratedDatabase();
  const exchange = uniqueName('bench');
  const broker = await startBroker(exchange);
  const items = new ItemRepository(db.pool, '/bench/bench');
  // The bench-only consumer: a queue bound to item.created.v1 that notes when each item's event arrives.
  const received = new Map<string, number>();
  const connection = await connect(amqpUrl());
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, 'item.created.v1');
  await channel.consume(
    queue,
    (message) => {
      if (message === null) return;
      const { subject } = JSON.parse(message.content.toString('utf8')) as { subject: string };
      received.set(subject, performance.now());
    },
    { noAck: true },
  );
  const relay = new OutboxRelay({ pool: db.pool, publisher: broker, metrics: createEventMetrics(), log: quiet });
  try {
    // outbox: the service's own create (the item and its outbox row in one transaction), the real relay.
    relay.start();
    const outbox = await measure('outbox', async (name) => (await items.create({ name })).id, received);
    await relay.stop();

    // direct: the same insert, then the CloudEvent published from the handler with a confirm.
    const direct = await measure(
      'direct',
      async (name) => {
        const id = randomUUID();
        const { rows } = await db.pool.query<{ created_at: Date }>('INSERT INTO items (id, name, description) VALUES ($1, $2, $3) RETURNING created_at', [id, name, null]);
        const data = { id, name, description: null, createdAt: rows[0]?.created_at.toISOString() };
        const event = newCloudEvent('/bench/bench', 'item.created.v1', id, data);
        await broker.publish({ id: event.id, type: event.type, event, headers: {} });
        return id;
      },
      received,
    );
    // After an empty line: vitest prints its own header in front of a test's first output line.
    console.log(['', ...[outbox, direct].map((result) => `EVENTS_BENCH ${JSON.stringify(result)}`)].join('\n'));
    expect(received.size).toBe(2 * events);
  } finally {
    await relay.stop();
    await channel.deleteExchange(exchange).catch(() => undefined);
    await connection.close();
    await broker.close();
    await db.close();
  }
}, 300_000);
