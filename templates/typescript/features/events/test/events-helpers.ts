import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db.ts';
import { Broker } from '../src/events/broker.ts';
import type { ConsumerQueue } from '../src/events/broker.ts';
import { createEventMetrics } from '../src/events/metrics.ts';
import type { EventMetrics } from '../src/events/metrics.ts';
import { migrate } from '../src/migrate.ts';
import { createTestDatabase } from './databases.ts';
import type { TestDatabase } from './databases.ts';

// These tests run against the real PostgreSQL at DATABASE_URL and RabbitMQ at AMQP_URL
// (README, "Tests"). Each test file gets a database of its own and each test its own
// exchange and queues, so counts are never disturbed by another test.

export const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function amqpUrl(): string {
  return loadConfig().amqpUrl;
}

/** A new database with the service's schema, and a pool on it. */
export async function migratedDatabase(): Promise<{ pool: pg.Pool; database: TestDatabase; close(): Promise<void> }> {
  const database = await createTestDatabase();
  await migrate(database.url, quiet);
  // The service's own pool (db.ts), with its error handling, on the test's database.
  const { pool } = createDatabase({ databaseUrl: database.url, databasePoolMax: 10 });
  return {
    pool,
    database,
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

export async function truncateAll(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE items, outbox, processed_events');
}

/** Names no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function metricValue(metrics: EventMetrics, name: keyof Omit<EventMetrics, 'all'>): Promise<number> {
  const { values } = await metrics[name].get();
  return values[0]?.value ?? 0;
}

/** A started broker connection on its own exchange (and queue, when `consume` is given). */
export async function startBroker(exchange: string, consume?: ConsumerQueue): Promise<Broker> {
  const broker = new Broker({ url: amqpUrl(), exchange, consume, log: quiet, reconnectDelayMs: { initial: 100, max: 1_000 } });
  await broker.start();
  await waitFor(() => broker.isConnected(), 'the broker connection');
  return broker;
}

/**
 * A test's own view of the broker: a plain connection with a temporary queue that receives
 * every message sent to `exchange` (or bound as `routingKey`), collected in `messages`.
 */
export interface Observer {
  connection: ChannelModel;
  channel: Channel;
  messages: ConsumeMessage[];
  /** Deletes what `deleteAfter` names and closes the connection. */
  close(): Promise<void>;
  deleteAfter: { exchanges: string[]; queues: string[] };
}

export async function observe(exchange: string, routingKey = '#'): Promise<Observer> {
  const connection = await connect(amqpUrl());
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, routingKey);
  const messages: ConsumeMessage[] = [];
  await channel.consume(queue, (message) => {
    if (message !== null) messages.push(message);
  }, { noAck: true });
  const deleteAfter = { exchanges: [exchange], queues: [] as string[] };
  return {
    connection,
    channel,
    messages,
    deleteAfter,
    async close() {
      for (const name of deleteAfter.queues) await channel.deleteQueue(name);
      for (const name of deleteAfter.exchanges) await channel.deleteExchange(name);
      await connection.close();
    },
  };
}

export { createEventMetrics };
