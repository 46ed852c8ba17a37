import type { Channel, ConsumeMessage } from 'amqplib';
import type pg from 'pg';
import { InvalidEventError, parseCloudEvent } from './cloudevent.ts';
import type { CloudEvent } from './cloudevent.ts';
import type { EventMetrics } from './metrics.ts';
import { inTransaction } from './outbox.ts';
import { schemaProblems } from './schemas.ts';
import { traceHeadersFrom } from './trace-context.ts';
import type { TraceHeaders } from './trace-context.ts';

/**
 * Applies one event's effects with `client`, inside the transaction that records the event
 * as processed; any outbox rows it writes commit with them.
 */
export type EventHandler = (client: pg.PoolClient, event: CloudEvent, trace: TraceHeaders) => Promise<void>;

export interface ConsumerLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ConsumerOptions {
  pool: pg.Pool;
  /** By event type. A type with no handler is acknowledged with no effect. */
  handlers: Readonly<Record<string, EventHandler>>;
  /** Deliveries of one message; the last failure sends it to the dead-letter queue. */
  maxAttempts: number;
  metrics: EventMetrics;
  log: ConsumerLogger;
}

/**
 * The idempotent consumer. For each message, in one transaction: record its event id in
 * processed_events (a duplicate stops there and is acknowledged), apply the handler, commit,
 * acknowledge. A failure rolls back and returns the message to the queue until its last
 * allowed delivery, which rejects it to the dead-letter queue.
 */
export class EventConsumer {
  readonly #options: ConsumerOptions;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: ConsumerOptions) {
    this.#options = options;
  }

  /** Handles one delivery; never rejects (failures become a nack). */
  handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    const handling = this.#handle(channel, message).finally(() => this.#inFlight.delete(handling));
    this.#inFlight.add(handling);
    return handling;
  }

  /** Resolves when the messages in hand are settled (call after the broker stops delivering). */
  async drain(): Promise<void> {
    await Promise.all([...this.#inFlight]);
  }

  async #handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    const { metrics, log, maxAttempts } = this.#options;
    // The quorum queue counts earlier failed deliveries in x-delivery-count.
    const earlierDeliveries = Number(message.properties.headers?.['x-delivery-count'] ?? 0) || 0;
    if (message.fields.redelivered || earlierDeliveries > 0) metrics.consumerRedeliveries.inc();
    try {
      const duplicate = await this.#process(message);
      channel.ack(message);
      metrics.consumerProcessed.inc();
      if (duplicate) metrics.consumerDuplicates.inc();
    } catch (error) {
      const details = { err: error, messageId: message.properties.messageId as unknown, delivery: earlierDeliveries + 1, maxAttempts };
      try {
        if (earlierDeliveries + 1 >= maxAttempts) {
          channel.nack(message, false, false);
          metrics.consumerDeadLettered.inc();
          log.error(details, 'event failed on its last delivery; sent to the dead-letter queue');
        } else {
          channel.nack(message, false, true);
          log.warn(details, 'event failed; returned to the queue');
        }
      } catch (settleError) {
        // The channel closed under us: the broker returns the message by itself.
        log.warn({ err: settleError }, 'could not settle a message; the broker will deliver it again');
      }
    }
  }

  /** Returns true when the event was processed before. */
  async #process(message: ConsumeMessage): Promise<boolean> {
    const event = parseCloudEvent(message.content);
    const handler = this.#options.handlers[event.type];
    if (handler !== undefined) {
      const problems = schemaProblems(event.type, event.data);
      if (problems.length > 0) throw new InvalidEventError(`${event.type} data breaks its schema: ${problems.join('; ')}`);
    }
    const trace = traceHeadersFrom(message.properties.headers);
    return inTransaction(this.#options.pool, async (client) => {
      const { rowCount } = await client.query('INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [event.id]);
      if (rowCount === 0) return true;
      await handler?.(client, event, trace);
      return false;
    });
  }
}
