import { connect } from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import { CLOUDEVENTS_CONTENT_TYPE } from './cloudevent.ts';
import type { OutgoingEvent, Publisher } from './relay.ts';

export interface BrokerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** The queue this service consumes, declared with the exchange on every (re)connection. */
export interface ConsumerQueue {
  name: string;
  /** Routing keys (event types) bound to the queue. */
  bindings: readonly string[];
  /** Deliveries of one message before it is dead-lettered (the quorum queue's delivery limit). */
  maxAttempts: number;
  /** Unacknowledged messages the broker sends ahead. */
  prefetch: number;
  onMessage(channel: Channel, message: ConsumeMessage): Promise<void>;
}

export interface BrokerOptions {
  /** amqp:// or amqps:// URL; may carry the password, so it is never logged. */
  url: string;
  /** The durable topic exchange every service publishes to. */
  exchange: string;
  /** Left out for a publisher only. */
  consume?: ConsumerQueue;
  log: BrokerLogger;
  /** Reconnection backoff: the first delay, doubling up to the last. */
  reconnectDelayMs?: { initial: number; max: number };
}

/** Where a queue's messages go after their last failed delivery. */
export function deadLetterQueueOf(queue: string): string {
  return `${queue}.dead-letter`;
}

/**
 * The connection to RabbitMQ: declares the topology, publishes with publisher confirms and
 * feeds the consumer. amqplib's connection recovery reconnects with backoff when the broker
 * goes away (or closes a channel), and every reconnection declares the topology again.
 */
export class Broker implements Publisher {
  readonly #options: BrokerOptions;
  #connection: RecoveringChannelModel | undefined;
  #publishChannel: ConfirmChannel | undefined;
  #consumer: { channel: Channel; tag: string } | undefined;
  #closing = false;
  #consuming = true;

  constructor(options: BrokerOptions) {
    this.#options = options;
  }

  /** Connects in the background: the service starts, and is not ready, while the broker is away. */
  async start(): Promise<void> {
    const { initial, max } = this.#options.reconnectDelayMs ?? { initial: 500, max: 15_000 };
    const connection = await connect(this.#options.url, {
      recovery: { initialDelay: initial, maxDelay: max, waitForConnect: false, setup: (model: ChannelModel) => this.#setUp(model) },
    });
    this.#connection = connection;
    const log = this.#options.log;
    connection.on('connect', () => {
      log.info({}, 'connected to the message broker');
    });
    connection.on('disconnect', (error: Error) => {
      this.#publishChannel = undefined;
      this.#consumer = undefined;
      log.warn({ err: error }, 'lost the message broker; reconnecting');
    });
    connection.on('reconnect-scheduled', ({ attempt, delay, error }: { attempt: number; delay: number; error: Error }) => {
      log.warn({ attempt, delayMs: delay, err: error }, 'could not connect to the message broker; retrying');
    });
    // Reported through 'disconnect'; without a listener an 'error' event would end the process.
    connection.on('error', () => undefined);
  }

  isConnected(): boolean {
    return this.#publishChannel !== undefined;
  }

  /** For /readyz: rejects while there is no open connection to the broker. */
  async check(): Promise<void> {
    if (!this.isConnected()) throw new Error('not connected to the message broker');
    return Promise.resolve();
  }

  publish(event: OutgoingEvent): Promise<void> {
    const channel = this.#publishChannel;
    if (channel === undefined) return Promise.reject(new Error('not connected to the message broker'));
    return new Promise((resolve, reject) => {
      try {
        channel.publish(
          this.#options.exchange,
          event.type,
          Buffer.from(JSON.stringify(event.event)),
          {
            persistent: true,
            contentType: CLOUDEVENTS_CONTENT_TYPE,
            messageId: event.id,
            type: event.type,
            headers: { ...event.headers },
          },
          (error: unknown) => {
            if (error === null || error === undefined) resolve();
            // amqplib reports a broker's nack with an Error, or with a bare object.
            else reject(error instanceof Error ? error : new Error('the broker did not confirm the event'));
          },
        );
      } catch (error) {
        // The channel closed between the check above and the publish.
        reject(error instanceof Error ? error : new Error('could not publish the event'));
      }
    });
  }

  /** Stops taking new messages; those in hand finish (the caller waits for them). */
  async stopConsuming(): Promise<void> {
    this.#consuming = false;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer !== undefined) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.stopConsuming();
    this.#publishChannel = undefined;
    await this.#connection?.close();
  }

  // Runs on every (re)connection, before the connection counts as up.
  async #setUp(model: ChannelModel): Promise<void> {
    const { exchange, consume } = this.#options;
    const publishChannel = await model.createConfirmChannel();
    this.#closeConnectionWhenLost(model, publishChannel);
    await publishChannel.assertExchange(exchange, 'topic', { durable: true });
    let consumer: { channel: Channel; tag: string } | undefined;
    if (consume !== undefined && this.#consuming) {
      const deadLetter = deadLetterQueueOf(consume.name);
      await publishChannel.assertQueue(deadLetter, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await publishChannel.assertQueue(consume.name, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': consume.maxAttempts,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': deadLetter,
        },
      });
      for (const routingKey of consume.bindings) await publishChannel.bindQueue(consume.name, exchange, routingKey);
      const channel = await model.createChannel();
      this.#closeConnectionWhenLost(model, channel);
      await channel.prefetch(consume.prefetch);
      const { consumerTag } = await channel.consume(consume.name, (message) => {
        if (message !== null) void consume.onMessage(channel, message);
      });
      consumer = { channel, tag: consumerTag };
    }
    this.#publishChannel = publishChannel;
    this.#consumer = consumer;
  }

  // A channel the broker closes (a deleted exchange, a refused declaration) would leave the
  // service half connected. Closing the connection hands it to recovery, which reconnects and
  // declares everything again.
  #closeConnectionWhenLost(model: ChannelModel, channel: Channel): void {
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (!this.#closing) model.close().catch(() => undefined);
    });
  }
}
