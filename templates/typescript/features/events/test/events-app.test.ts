import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { buildApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { Broker } from '../src/events/broker.ts';
import { createEventMetrics } from '../src/events/metrics.ts';
import { OutboxRelay } from '../src/events/relay.ts';
import { ItemRepository } from '../src/items.ts';
import { startTracing } from '../src/tracing.ts';
import { migratedDatabase, observe, quiet, startBroker, uniqueName, waitFor } from './events-helpers.ts';
import { testConfig, testEnv } from './helpers.ts';

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
beforeAll(async () => {
  db = await migratedDatabase();
  pool = db.pool;
});
afterAll(async () => {
  await db.close();
});

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

/** Creates an item over HTTP with a caller's trace context and returns the traceparent its event carried over AMQP. */
async function traceparentOfEvent(tracing: boolean): Promise<string | undefined> {
  const exchange = uniqueName('test-trace');
  const observer = await observe(exchange, 'item.created.v1');
  const broker = await startBroker(exchange);
  const service = buildApp({ config: testConfig(), logStream: { write: () => undefined }, tracing, items: new ItemRepository(pool, '/test/trace') });
  try {
    const created = await service.app.inject({
      method: 'POST',
      url: '/v1/items',
      payload: { name: 'traced' },
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`, tracestate: 'vendor=value' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    await new OutboxRelay({ pool, publisher: broker, metrics: createEventMetrics(), log: quiet }).relayOnce();
    await waitFor(() => observer.messages.some((message) => message.properties.headers?.['traceparent'] !== undefined && message.content.includes(id)), 'the event');
    const message = observer.messages.find((candidate) => candidate.content.includes(id));
    expect(message?.properties.headers?.['tracestate']).toBe('vendor=value');
    return message?.properties.headers?.['traceparent'] as string | undefined;
  } finally {
    await service.app.close();
    await broker.close();
    await observer.close();
  }
}

describe('trace context', () => {
  // In this order: the second test starts the tracing SDK for the rest of the file.
  it('without trace export, the event carries the caller’s traceparent', async () => {
    expect(await traceparentOfEvent(false)).toBe(`00-${TRACE_ID}-${CALLER_SPAN}-01`);
  });

  it('with trace export, the event carries the same trace id, under the request’s own span', async () => {
    const collector = createServer((request, response) => {
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const tracing = await startTracing(`http://127.0.0.1:${(collector.address() as AddressInfo).port}`, 'trace-test');
    try {
      const traceparent = await traceparentOfEvent(true);
      expect(traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(traceparent).not.toContain(CALLER_SPAN);
    } finally {
      await tracing.shutdown();
      await new Promise<void>((resolve) => collector.close(() => { resolve(); }));
    }
  });
});

describe('readiness and metrics', () => {
  it('/readyz checks the database and the broker', async () => {
    const broker = await startBroker(uniqueName('test-ready'));
    const unreachable = new Broker({ url: 'amqp://guest:guest@127.0.0.1:1', exchange: 'unused', log: quiet, reconnectDelayMs: { initial: 1_000, max: 1_000 } });
    await unreachable.start();
    const build = (target: Broker) =>
      buildApp({
        config: testConfig(),
        logStream: { write: () => undefined },
        items: new ItemRepository(pool, '/test/ready'),
        extraMetrics: createEventMetrics().all,
        readinessChecks: { database: async () => { await pool.query('SELECT 1'); }, broker: () => target.check() },
      });
    const ready = build(broker);
    const notReady = build(unreachable);
    try {
      const ok = await ready.app.inject({ url: '/readyz' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ status: 'ready', checks: { database: 'ok', broker: 'ok' } });
      const failed = await notReady.app.inject({ url: '/readyz' });
      expect(failed.statusCode).toBe(503);
      expect(failed.json()).toEqual({ status: 'not_ready', checks: { database: 'ok', broker: 'failed' } });

      const metrics = (await ready.app.inject({ url: '/metrics' })).body;
      for (const name of [
        'outbox_pending_events',
        'outbox_oldest_pending_age_seconds',
        'outbox_published_total',
        'outbox_publish_failures_total',
        'consumer_processed_total',
        'consumer_duplicates_total',
        'consumer_redeliveries_total',
        'consumer_dead_lettered_total',
      ]) {
        expect(metrics).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
      }
    } finally {
      await ready.app.close();
      await notReady.app.close();
      await broker.close();
      await unreachable.close();
    }
  });
});

describe('events configuration', () => {
  const problemsOf = (env: Record<string, string>): string => {
    try {
      loadConfig(testEnv(env));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.join('\n');
    }
    throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
  };

  it('requires an amqp:// or amqps:// AMQP_URL, never repeating its password', () => {
    expect(problemsOf({ AMQP_URL: '' })).toContain('AMQP_URL: is required');
    const problems = problemsOf({ AMQP_URL: 'http://svc:hunter2@rabbitmq:5672' });
    expect(problems).toContain('AMQP_URL: must be a URL starting with amqp:// or amqps://');
    expect(problems).not.toContain('hunter2');
  });

  it('takes AMQP_PASSWORD in place of the URL password', () => {
    const config = loadConfig(testEnv({ AMQP_URL: 'amqps://svc@rabbitmq:5671/vhost', AMQP_PASSWORD: 's3cr:t@' }));
    expect(decodeURIComponent(new URL(config.amqpUrl).password)).toBe('s3cr:t@');
    expect(new URL(config.amqpUrl).host).toBe('rabbitmq:5671');
  });

  it('has the contract’s defaults and bounds', () => {
    const config = loadConfig(testEnv({ EVENTS_EXCHANGE: '', EVENTS_QUEUE: '', EVENTS_MAX_ATTEMPTS: '' }));
    expect(config).toMatchObject({ eventsExchange: 'events', eventsMaxAttempts: 5 });
    expect(config.eventsQueue).toBe(config.eventsSource.split('/')[2]);
    expect(loadConfig(testEnv({ EVENTS_EXCHANGE: 'shop', EVENTS_QUEUE: 'q', EVENTS_MAX_ATTEMPTS: '100' }))).toMatchObject({
      eventsExchange: 'shop',
      eventsQueue: 'q',
      eventsMaxAttempts: 100,
    });
    for (const value of ['0', '101', 'five']) {
      expect(problemsOf({ EVENTS_MAX_ATTEMPTS: value })).toContain('EVENTS_MAX_ATTEMPTS: must be a whole number from 1 to 100');
    }
  });
});
