import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTracing } from '../src/tracing.ts';
import { testService } from './helpers.ts';

// A real OTLP/HTTP receiver on loopback: proves spans leave the process, continue the
// caller's trace and carry the route.
const received: { path: string; body: string }[] = [];
const collector = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => collector.close(() => { resolve(); }));
});

it('exports a server span per request to the OTLP endpoint', async () => {
  const { port } = collector.address() as AddressInfo;
  const tracing = await startTracing(`http://127.0.0.1:${port}/`, 'tracing-test');
  const { app } = testService({ tracing: true });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });

  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const response = await fetch(`${address}/v1/items/abc`, {
    headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
  });
  expect(response.status).toBe(404);

  await app.close();
  await tracing.shutdown();

  const exported = received.filter((r) => r.path === '/v1/traces').map((r) => r.body).join('\n');
  expect(exported).toContain(traceId);
  expect(exported).toContain('GET /v1/items/:id');
});
