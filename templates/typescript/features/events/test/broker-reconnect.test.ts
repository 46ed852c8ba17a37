import { createServer, connect as connectTcp } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type pg from 'pg';
import { Broker } from '../src/events/broker.ts';
import { newCloudEvent } from '../src/events/cloudevent.ts';
import { addToOutbox } from '../src/events/outbox.ts';
import { OutboxRelay } from '../src/events/relay.ts';
import { amqpUrl, createEventMetrics, metricValue, migratedDatabase, observe, quiet, uniqueName, waitFor } from './events-helpers.ts';

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
beforeAll(async () => {
  db = await migratedDatabase();
  pool = db.pool;
});
afterAll(async () => {
  await db.close();
});

/** A TCP proxy to RabbitMQ that can cut every connection and refuse new ones: the broker "going away". */
function brokerProxy(target: URL): { url: Promise<string>; cut(): void; restore(): void; close(): Promise<void> } {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connectTcp(Number(target.port || 5672), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  const url = new Promise<string>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const proxied = new URL(target);
      proxied.hostname = '127.0.0.1';
      proxied.port = String((server.address() as AddressInfo).port);
      resolve(proxied.toString());
    });
  });
  return {
    url,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

it('reconnects with backoff when the broker goes away; events wait in the outbox meanwhile and none is lost', async () => {
  const exchange = uniqueName('test-reconnect');
  const observer = await observe(exchange);
  const proxy = brokerProxy(new URL(amqpUrl()));
  const broker = new Broker({ url: await proxy.url, exchange, log: quiet, reconnectDelayMs: { initial: 50, max: 200 } });
  const metrics = createEventMetrics();
  const relay = new OutboxRelay({ pool, publisher: broker, metrics, log: quiet, pollIntervalMs: 20 });
  try {
    await broker.start();
    await waitFor(() => broker.isConnected(), 'the first connection');
    relay.start();

    proxy.cut();
    await waitFor(() => !broker.isConnected(), 'the broker to be seen gone');
    await expect(broker.check(), 'readiness fails').rejects.toThrow();
    const event = newCloudEvent('/test/reconnect', 'item.created.v1', 'subject', {});
    await addToOutbox(pool, event, {});
    await new Promise((resolve) => setTimeout(resolve, 500)); // several reconnection attempts, refused
    expect(observer.messages).toEqual([]);
    expect(await metricValue(metrics, 'outboxPending'), 'the event waits in the outbox').toBe(1);
    expect(await metricValue(metrics, 'outboxPublishFailures'), 'and costs no attempts').toBe(0);

    proxy.restore();
    await waitFor(() => broker.isConnected(), 'the reconnection');
    await expect(broker.check()).resolves.toBeUndefined();
    await waitFor(() => observer.messages.length === 1, 'the waiting event published');
    expect(observer.messages[0]?.properties.messageId).toBe(event.id);
  } finally {
    await relay.stop();
    await broker.close();
    await proxy.close();
    await observer.close();
  }
});
