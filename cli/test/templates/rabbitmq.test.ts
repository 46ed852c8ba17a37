// The RabbitMQ the feature tests start (harness.ts): a real broker on 127.0.0.1 that confirms
// what it stores, keeps durable messages across a restart, and leaves nothing running.
import { connect as connectTcp } from 'node:net';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRabbitMQ, type RabbitMQ } from './harness.js';

let broker: RabbitMQ;
beforeAll(async () => {
  broker = await startRabbitMQ();
}, 120_000);
afterAll(async () => {
  await broker?.stop();
});

/** One persistent message sent with publisher confirms to a durable queue. */
async function publish(connection: ChannelModel, queue: string, body: string): Promise<void> {
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  channel.sendToQueue(queue, Buffer.from(body), { persistent: true, messageId: body });
  await channel.waitForConfirms();
  await channel.close();
}

async function take(connection: ChannelModel, queue: string): Promise<string | undefined> {
  const channel = await connection.createChannel();
  const message = await channel.get(queue, { noAck: true });
  await channel.close();
  return message === false ? undefined : message.content.toString('utf8');
}

describe('the test RabbitMQ', () => {
  it('confirms a published message and delivers it', async () => {
    const connection = await connect(broker.url);
    try {
      await publish(connection, 'orders', 'order-1');
      expect(await take(connection, 'orders')).toBe('order-1');
      expect(await take(connection, 'orders')).toBeUndefined();
    } finally {
      await connection.close();
    }
  });

  it('keeps a confirmed persistent message in a durable queue across a restart', async () => {
    const before = await connect(broker.url);
    await publish(before, 'survivors', 'order-2');
    await before.close().catch(() => undefined);
    await broker.restart();
    const after = await connect(broker.url);
    try {
      expect(await take(after, 'survivors')).toBe('order-2');
    } finally {
      await after.close();
    }
  }, 120_000);

  it('stops, leaving its port closed', async () => {
    const other = await startRabbitMQ();
    await other.stop();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connectTcp(other.port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  }, 120_000);
});
