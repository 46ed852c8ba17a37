import type pg from 'pg';
import type { Config } from '../config.ts';
import type { ItemRepository } from '../items.ts';
import { withdrawRejectedItems } from '../saga.ts';
import { Broker } from './broker.ts';
import type { BrokerLogger } from './broker.ts';
import { EventConsumer } from './consumer.ts';
import type { ConsumerLogger } from './consumer.ts';
import type { EventMetrics } from './metrics.ts';
import { OutboxRelay } from './relay.ts';

/** Unacknowledged messages in hand at once: bounds memory and the work lost to a crash. */
const PREFETCH = 20;

export interface Events {
  broker: Broker;
  relay: OutboxRelay;
  consumer: EventConsumer;
  /** Stops the relay after its current pass, then the consumer once its messages are settled, then disconnects. */
  stop(): Promise<void>;
}

export interface EventsOptions {
  config: Pick<Config, 'amqpUrl' | 'eventsExchange' | 'eventsQueue' | 'eventsMaxAttempts'>;
  pool: pg.Pool;
  items: ItemRepository;
  metrics: EventMetrics;
  log: BrokerLogger & ConsumerLogger;
}

/** Wires the broker, the outbox relay and the consumer of this service's queue, and starts them. */
export async function startEvents(options: EventsOptions): Promise<Events> {
  const { config, pool, metrics, log } = options;
  const consumer = new EventConsumer({
    pool,
    handlers: { 'item.rejected.v1': withdrawRejectedItems(options.items) },
    maxAttempts: config.eventsMaxAttempts,
    metrics,
    log,
  });
  const broker = new Broker({
    url: config.amqpUrl,
    exchange: config.eventsExchange,
    consume: {
      name: config.eventsQueue,
      bindings: ['item.rejected.v1'],
      maxAttempts: config.eventsMaxAttempts,
      prefetch: PREFETCH,
      onMessage: (channel, message) => consumer.handle(channel, message),
    },
    log,
  });
  const relay = new OutboxRelay({ pool, publisher: broker, metrics, log });
  await broker.start();
  relay.start();
  return {
    broker,
    relay,
    consumer,
    async stop() {
      await relay.stop();
      await broker.stopConsuming();
      await consumer.drain();
      await broker.close();
    },
  };
}
