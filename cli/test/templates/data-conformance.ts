/**
 * The `postgres` and `events` features' runtime contract (templates/data-and-events.md), held
 * against a started service whatever its language, with a real PostgreSQL and RabbitMQ:
 * readiness follows the database and the broker, items persist, the metrics exist, events are
 * CloudEvents carrying the request's trace, the saga compensates once per rejection, a poison
 * message is dead-lettered after the bounded retries, no event is lost or applied twice when
 * the broker restarts mid-stream or the service is killed while its relay is publishing; and
 * (checkDatabaseOutage) the database going away makes it unready, never dead.
 * Each template's own tests cover the same failures from inside, in its language.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage, type GetMessage } from 'amqplib';
import { expect } from 'vitest';
import { checkConformance, checkGracefulShutdown, type RunningService } from './conformance.js';
import type { DataServers, Postgres, RabbitMQ } from './harness.js';

export interface DataConformanceOptions {
  /** The service's name and team, as generated (the CloudEvents source is /<team>/<name>). */
  name: string;
  team: string;
  features: readonly string[];
  /** Required with events. */
  rabbitmq?: RabbitMQ;
  /** Starts the service again with the same environment (the check kills it once, with events). */
  restart?: () => Promise<RunningService>;
  /** EVENTS_MAX_ATTEMPTS the service runs with (default 5). */
  maxAttempts?: number;
}

const EVENT_METRICS = [
  'outbox_pending_events',
  'outbox_oldest_pending_age_seconds',
  'outbox_published_total',
  'outbox_publish_failures_total',
  'consumer_processed_total',
  'consumer_duplicates_total',
  'consumer_redeliveries_total',
  'consumer_dead_lettered_total',
];

interface Item {
  id: string;
  name: string;
  status?: string;
}

interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype?: string;
  data: Record<string, unknown>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** The value of a metric without labels (the sum over its series when it has some). */
async function metric(service: RunningService, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function readiness(service: RunningService): Promise<{ status: number; checks: Record<string, string> | undefined }> {
  const response = await fetch(`http://127.0.0.1:${service.port}/readyz`);
  const body = (await response.json()) as { checks?: Record<string, string> };
  return { status: response.status, checks: body.checks };
}

async function createItem(service: RunningService, name: string, headers: Record<string, string> = {}): Promise<Item> {
  const response = await fetch(`http://127.0.0.1:${service.port}/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name, description: `made by the data conformance check` }),
  });
  expect(response.status, `POST /v1/items ${name}: ${await response.clone().text()}`).toBe(201);
  return (await response.json()) as Item;
}

async function readItem(service: RunningService, id: string): Promise<Item> {
  const response = await fetch(`http://127.0.0.1:${service.port}/v1/items/${encodeURIComponent(id)}`);
  expect(response.status, `GET /v1/items/${id}`).toBe(200);
  return (await response.json()) as Item;
}

/** A durable queue of our own on the events exchange, read into memory, that survives broker restarts. */
class EventTap {
  readonly received: { event: CloudEvent | undefined; message: ConsumeMessage }[] = [];
  private connection: ChannelModel | undefined;
  private channel: Channel | undefined;
  readonly queue = `conformance-${randomUUID()}`;

  constructor(
    private readonly url: string,
    private readonly exchange: string,
  ) {}

  async open(): Promise<void> {
    this.connection = await connect(this.url);
    this.connection.on('error', () => undefined); // a restart closes it; reopen() follows
    this.channel = await this.connection.createChannel();
    this.channel.on('error', () => undefined);
    await this.channel.assertExchange(this.exchange, 'topic', { durable: true });
    await this.channel.assertQueue(this.queue, { durable: true });
    for (const key of ['item.created.v1', 'item.withdrawn.v1']) await this.channel.bindQueue(this.queue, this.exchange, key);
    await this.channel.consume(this.queue, (message) => {
      if (message === null) return;
      let event: CloudEvent | undefined;
      try {
        event = JSON.parse(message.content.toString('utf8')) as CloudEvent;
      } catch {
        event = undefined;
      }
      this.received.push({ event, message });
      this.channel?.ack(message);
    });
  }

  async reopen(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
    await until('the tap to reconnect', async () => this.open().then(
      () => true,
      () => undefined,
    ));
  }

  events(type: string, subject?: string): CloudEvent[] {
    return this.received.flatMap(({ event }) => (event?.type === type && (subject === undefined || event.subject === subject) ? [event] : []));
  }

  /** Publishes a raw message to the exchange with publisher confirms. */
  async publish(routingKey: string, body: string, messageId: string): Promise<void> {
    const connection = await connect(this.url);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(this.exchange, routingKey, Buffer.from(body), {
        persistent: true,
        messageId,
        contentType: 'application/cloudevents+json',
        type: routingKey,
      });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
  }

  async messagesIn(queue: string): Promise<GetMessage[]> {
    const connection = await connect(this.url);
    try {
      const channel = await connection.createChannel();
      const messages: GetMessage[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: false });
        if (message === false) break;
        messages.push(message);
      }
      await channel.close(); // unacknowledged: they stay in the queue
      return messages;
    } finally {
      await connection.close();
    }
  }

  async close(): Promise<void> {
    await this.channel?.deleteQueue(this.queue).catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }
}

function rejection(itemId: string, id = randomUUID()): { id: string; body: string } {
  const event = {
    specversion: '1.0',
    id,
    source: '/pricing/pricing',
    type: 'item.rejected.v1',
    subject: itemId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { itemId, reason: 'no price for this item' },
  };
  return { id, body: JSON.stringify(event) };
}

/** Holds the running service to the data features' contract; returns the service now running (it may have been restarted). */
export async function checkDataConformance(first: RunningService, options: DataConformanceOptions): Promise<RunningService> {
  let service = first;
  const events = options.features.includes('events');

  // Readiness names exactly the dependencies the features bring.
  const ready = await until('/readyz to be 200', async () => {
    const r = await readiness(service);
    return r.status === 200 ? r : undefined;
  });
  expect(ready.checks).toEqual(events ? { database: 'ok', broker: 'ok' } : { database: 'ok' });

  // Items live in PostgreSQL: they survive a restart of the service below; a non-UUID id is a 404.
  const kept = await createItem(service, 'kept');
  expect(await readItem(service, kept.id)).toMatchObject({ id: kept.id, name: 'kept', ...(events ? { status: 'active' } : {}) });
  const notAnId = await fetch(`http://127.0.0.1:${service.port}/v1/items/not-a-uuid`);
  expect(notAnId.status).toBe(404);

  if (events) {
    const broker = options.rabbitmq;
    if (broker === undefined || options.restart === undefined) throw new Error('checkDataConformance: events needs rabbitmq and restart');
    const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    for (const name of EVENT_METRICS) expect(metrics, `metric ${name}`).toMatch(new RegExp(`^${name}[ {]`, 'm'));

    const tap = new EventTap(broker.url, 'events');
    await tap.open();
    try {
      service = await checkEvents(service, tap, broker, options);
    } finally {
      await tap.close();
    }
  }

  return service;
}

/** Stops the database under a running service: it becomes unready, never dead. Call last. */
export async function checkDatabaseOutage(service: RunningService, postgres: Postgres): Promise<void> {
  await postgres.stop();
  const down = await until('/readyz to report the database', async () => {
    const r = await readiness(service);
    return r.status === 503 ? r : undefined;
  });
  expect(down.checks?.['database']).toBe('failed');
  expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status, 'liveness ignores the database').toBe(200);
}

async function checkEvents(first: RunningService, tap: EventTap, broker: RabbitMQ, options: DataConformanceOptions): Promise<RunningService> {
  let service = first;
  const queue = options.name;
  const maxAttempts = options.maxAttempts ?? 5;

  // An item's creation is published as a structured CloudEvent carrying the request's trace.
  const traceId = randomUUID().replaceAll('-', '');
  const traced = await createItem(service, 'traced', { traceparent: `00-${traceId}-${'a1b2c3d4e5f60718'}-01` });
  const [created] = await until('item.created.v1', () => {
    const found = tap.events('item.created.v1', traced.id);
    return found.length > 0 ? found : undefined;
  });
  const message = tap.received.find(({ event }) => event?.id === created?.id)?.message;
  expect(created).toMatchObject({
    specversion: '1.0',
    source: `/${options.team}/${options.name}`,
    type: 'item.created.v1',
    subject: traced.id,
    datacontenttype: 'application/json',
    data: { id: traced.id, name: 'traced' },
  });
  expect(Number.isNaN(Date.parse(created?.time ?? ''))).toBe(false);
  expect(message?.properties.contentType).toBe('application/cloudevents+json');
  expect(message?.properties.messageId).toBe(created?.id);
  expect(message?.properties.deliveryMode).toBe(2);
  expect(message?.fields.routingKey).toBe('item.created.v1');
  expect(String(message?.properties.headers?.['traceparent'] ?? '')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-[0-9a-f]{2}$`));

  // The saga: a rejection withdraws the item and publishes the compensation once, however
  // often the rejection is delivered.
  const twice = rejection(traced.id);
  const duplicatesBefore = await metric(service, 'consumer_duplicates_total');
  await tap.publish('item.rejected.v1', twice.body, twice.id);
  await tap.publish('item.rejected.v1', twice.body, twice.id);
  await until('the item to be withdrawn', async () => ((await readItem(service, traced.id)).status === 'withdrawn' ? true : undefined));
  await until('the duplicate to be counted', async () => ((await metric(service, 'consumer_duplicates_total')) > duplicatesBefore ? true : undefined));
  const [withdrawn] = await until('item.withdrawn.v1', () => {
    const found = tap.events('item.withdrawn.v1', traced.id);
    return found.length > 0 ? found : undefined;
  });
  expect(withdrawn?.data).toMatchObject({ id: traced.id, reason: 'no price for this item' });
  await sleep(500);
  expect(new Set(tap.events('item.withdrawn.v1', traced.id).map((e) => e.id)).size, 'one compensation for a rejection delivered twice').toBe(1);

  // A poison message is redelivered up to the limit, then dead-lettered.
  const deadBefore = await metric(service, 'consumer_dead_lettered_total');
  const poisonId = randomUUID();
  await tap.publish('item.rejected.v1', 'this is not JSON', poisonId);
  await until('the poison message in the dead-letter queue', async () =>
    (await tap.messagesIn(`${queue}.dead-letter`)).some((m) => m.properties.messageId === poisonId) ? true : undefined,
  );
  expect(await metric(service, 'consumer_dead_lettered_total')).toBeGreaterThan(deadBefore);
  expect(await metric(service, 'consumer_redeliveries_total')).toBeGreaterThanOrEqual(maxAttempts - 1);

  // The broker restarts mid-stream: writes keep being accepted (they wait in the outbox), every
  // event arrives afterwards, and rejections in flight are applied once each.
  const early = await Promise.all(Array.from({ length: 10 }, (_, i) => createItem(service, `early-${i}`)));
  await until('the early items published', () => (early.every((item) => tap.events('item.created.v1', item.id).length > 0) ? true : undefined));
  for (const item of early) {
    const r = rejection(item.id);
    await tap.publish('item.rejected.v1', r.body, r.id);
    await tap.publish('item.rejected.v1', r.body, r.id);
  }
  let sawBrokerDown = false;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const r = await readiness(service).catch(() => undefined);
      if (r?.status === 503 && r.checks?.['broker'] === 'failed') sawBrokerDown = true;
      await sleep(100);
    }
  })();
  const during: Item[] = [];
  const restarting = broker.restart();
  for (let i = 0; i < 20; i += 1) {
    during.push(await createItem(service, `during-${i}`));
    await sleep(100);
  }
  await restarting;
  await tap.reopen();
  await until('readiness to see the broker again', async () => ((await readiness(service)).status === 200 ? true : undefined), 60_000);
  polling = false;
  await poll;
  expect(sawBrokerDown, '/readyz reported the broker failed while it was down').toBe(true);
  await until(
    'every event written while the broker restarted',
    () => (during.every((item) => tap.events('item.created.v1', item.id).length > 0) ? true : undefined),
    60_000,
  );
  await until(
    'every early item withdrawn',
    async () => ((await Promise.all(early.map((item) => readItem(service, item.id)))).every((item) => item.status === 'withdrawn') ? true : undefined),
    60_000,
  );
  await until('the compensations', () => (early.every((item) => tap.events('item.withdrawn.v1', item.id).length > 0) ? true : undefined), 30_000);
  for (const item of early) {
    expect(new Set(tap.events('item.withdrawn.v1', item.id).map((e) => e.id)).size, `compensations for ${item.id}`).toBe(1);
  }

  // The service killed while its relay publishes: nothing is lost, and an event published
  // again after the restart is the same event (same id), never a second one.
  const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => createItem(service, `burst-${i}`)));
  service.process.kill('SIGKILL');
  await new Promise((resolve) => (service.process.exitCode !== null || service.process.signalCode !== null ? resolve(undefined) : service.process.once('exit', resolve)));
  service = await options.restart!();
  await until('the restarted service to be ready', async () => ((await readiness(service).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
  await until('every event of the burst', () => (burst.every((item) => tap.events('item.created.v1', item.id).length > 0) ? true : undefined), 60_000);
  for (const item of [...burst, ...during, ...early]) {
    expect(new Set(tap.events('item.created.v1', item.id).map((e) => e.id)).size, `one event for ${item.id}`).toBe(1);
  }
  expect(await readItem(service, early[0]!.id)).toMatchObject({ status: 'withdrawn' });
  return service;
}

/** Polls /readyz until 200: with events the broker connects in the background once the service listens. */
export async function waitUntilReady(service: RunningService, timeoutMs = 30_000): Promise<RunningService> {
  await until('/readyz to be 200', async () => ((await readiness(service).catch(() => undefined))?.status === 200 ? true : undefined), timeoutMs);
  return service;
}

/**
 * Every runtime contract for a service generated with data features, in the order each leaves
 * the next something to test: the general contract, the data contract (which restarts the
 * service once), a graceful SIGTERM, and last the database outage. `start` starts the built
 * service with the servers' environment and waits until it is healthy.
 */
export async function checkDataFeatures(options: {
  name: string;
  team: string;
  features: readonly string[];
  servers: DataServers;
  start: () => Promise<RunningService>;
}): Promise<void> {
  const { servers, start } = options;
  let service = await waitUntilReady(await start());
  await checkConformance(service);
  service = await checkDataConformance(service, { ...options, rabbitmq: servers.rabbitmq, restart: start });
  await checkGracefulShutdown(service);
  await checkDatabaseOutage(await waitUntilReady(await start()), servers.postgres);
}
