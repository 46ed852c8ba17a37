import { afterEach, describe, expect, it } from 'vitest';
import { testConfig, testService } from './helpers.ts';
import type { TestService } from './helpers.ts';
import { accessLine } from '../src/access-log.ts';
import type { AccessEntry } from '../src/access-log.ts';

let service: TestService | undefined;
function start(...args: Parameters<typeof testService>): TestService {
  service = testService(...args);
  return service;
}
afterEach(async () => {
  await service?.app.close();
  service = undefined;
});

describe('health', () => {
  it('reports live and ready', async () => {
    const { app } = start();
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: {} });
  });

  it('is not ready while shutting down or when a check fails', async () => {
    const failing = start({ readinessChecks: { cache: () => Promise.reject(new Error('down')) } });
    const notReady = await failing.app.inject({ url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ status: 'not_ready', checks: { cache: 'failed' } });

    failing.markShuttingDown();
    expect((await failing.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    expect((await failing.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('items', () => {
  it('creates an item and reads it back', async () => {
    const { app } = start();
    const created = await app.inject({ method: 'POST', url: '/v1/items', payload: { name: 'first', description: 'x' } });
    expect(created.statusCode).toBe(201);
    const item = created.json<{ id: string; name: string }>();
    expect(item.name).toBe('first');
    expect(created.headers['location']).toBe(`/v1/items/${item.id}`);

    const read = await app.inject({ url: `/v1/items/${item.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created.json());
  });

  it.each([
    [{}, '/body/name'],
    [{ name: '' }, '/body/name'],
    [{ name: 42 }, '/body/name'],
    [{ name: 'ok', colour: 'red' }, '/body/colour'],
  ])('rejects %j with a validation error at %s', async (payload, path) => {
    const { app } = start();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/items',
      payload,
      headers: { 'x-request-id': 'req-1' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: 'The request is not valid.',
        requestId: 'req-1',
        details: [{ path, message: expect.any(String) as string }],
      },
    });
  });

  it('answers malformed JSON with the same error shape', async () => {
    const { app } = start();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/items',
      body: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('bad_request');
  });

  it('gives 404 with the error shape for a missing item and an unknown route', async () => {
    const { app } = start();
    for (const url of ['/v1/items/does-not-exist', '/no/such/route']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(404);
      const body = response.json<{ error: { code: string; requestId: string } }>();
      expect(body.error.code).toBe('not_found');
      expect(body.error.requestId).toBe(response.headers['x-request-id']);
    }
  });
});

describe('errors', () => {
  it('hides internal details of unexpected errors', async () => {
    const { app, logs } = start();
    app.get('/boom', () => {
      throw new Error('secret connection string');
    });
    const response = await app.inject({ url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.json<{ error: { code: string } }>().error.code).toBe('internal_error');
    expect(logs.some((line) => line['level'] === 'error' && JSON.stringify(line).includes('secret'))).toBe(true);
  });
});

describe('request ids and logs', () => {
  it('echoes a safe incoming x-request-id and logs it', async () => {
    const { app, logs } = start({ config: testConfig({ accessLog: 'all' }) });
    const response = await app.inject({ method: 'POST', url: '/v1/items', payload: { name: 'a' }, headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers['x-request-id']).toBe('abc-123');
    const completed = logs.find((line) => line['requestId'] === 'abc-123' && line['msg'] === 'request completed');
    expect(completed).toMatchObject({ level: 'info', service: expect.any(String) as string });
  });

  it('with ACCESS_LOG=all writes one access line per request, and none for a healthy probe', async () => {
    const { app, logs } = start({ config: testConfig({ accessLog: 'all' }) });
    await app.inject({ url: '/v1/items/no-such-item', headers: { 'x-request-id': 'one-line' } });
    await app.inject({ url: '/healthz', headers: { 'x-request-id': 'probe' } });
    expect(logs.filter((line) => line['requestId'] === 'one-line')).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        method: 'GET',
        path: '/v1/items/no-such-item',
        route: '/v1/items/:id',
        statusCode: 404,
        durationMs: expect.any(Number) as number,
      }),
    ]);
    expect(logs.filter((line) => line['requestId'] === 'probe')).toEqual([]);
  });

  it('keeps hostile strings inside their own access line', () => {
    const entry: AccessEntry = {
      level: 'info',
      service: 'svc"\n{',
      requestId: 'id',
      method: 'GET',
      path: '/v1/"x",\\"statusCode":1}\n\u2028{\u0000ü',
      route: 'unmatched',
      statusCode: 404,
      durationMs: 1.5,
    };
    const line = accessLine(entry);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({ ...entry, time: expect.any(String) as string, msg: 'request completed' });
  });

  it("writes app.log's lines and a handler's request.log lines as JSON with the service, and the request id", async () => {
    const { app, logs } = start();
    app.get('/noisy', (request) => {
      request.log.warn({ detail: 1 }, 'from the handler');
      return { ok: true };
    });
    app.log.info({ extra: true }, 'from the app');
    await app.inject({ url: '/noisy', headers: { 'x-request-id': 'noisy-1' } });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'from the app', extra: true, service: testConfig().serviceName }),
    );
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'from the handler', detail: 1, requestId: 'noisy-1', service: testConfig().serviceName }),
    );
  });

  it('times a request from its arrival to its answer, in the access line and the histogram', async () => {
    const { app, logs } = start({ config: testConfig({ accessLog: 'all' }) });
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { ok: true };
    });
    await app.inject({ url: '/slow', headers: { 'x-request-id': 'slow-1' } });
    const line = logs.find((entry) => entry['requestId'] === 'slow-1' && entry['msg'] === 'request completed');
    expect(line?.['durationMs']).toBeGreaterThanOrEqual(45);
    expect(line?.['durationMs']).toBeLessThan(5000);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    const sum = /http_request_duration_seconds_sum\{[^}]*route="\/slow"[^}]*\} ([\d.e-]+)/.exec(metrics)?.[1];
    expect(Number(sum)).toBeGreaterThanOrEqual(0.045);
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/slow"[^}]*le="0.025"[^}]*\} 0/);
  });

  it('replaces an unsafe incoming id with a generated one', async () => {
    const { app } = start();
    const response = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(response.headers['x-request-id']).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('access log (ACCESS_LOG)', () => {
  const accessLines = (logs: TestService['logs'], requestId: string) =>
    logs.filter((line) => line['requestId'] === requestId && line['msg'] === 'request completed');
  const id = (requestId: string) => ({ 'x-request-id': requestId });
  function addFailingRoute(app: TestService['app']): void {
    app.get('/boom', () => {
      throw new Error('kaboom');
    });
  }

  it('by default (errors) logs the failed requests only, 5xx at error', async () => {
    const { app, logs } = start();
    addFailingRoute(app);
    const created = await app.inject({ method: 'POST', url: '/v1/items', payload: { name: 'a' }, headers: id('created') });
    expect(created.statusCode).toBe(201);
    const item = created.json<{ id: string }>();
    expect((await app.inject({ url: `/v1/items/${item.id}`, headers: id('read') })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz', headers: id('probe') })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/items/missing', headers: id('not-found') })).statusCode).toBe(404);
    const invalid = await app.inject({ method: 'POST', url: '/v1/items', payload: {}, headers: id('invalid') });
    expect(invalid.statusCode).toBe(400);
    expect((await app.inject({ url: '/boom', headers: id('failed') })).statusCode).toBe(500);

    for (const requestId of ['created', 'read', 'probe']) {
      expect(logs.filter((line) => line['requestId'] === requestId), `lines for ${requestId}`).toEqual([]);
    }
    expect(accessLines(logs, 'not-found')).toEqual([
      expect.objectContaining({ level: 'info', statusCode: 404, route: '/v1/items/:id', path: '/v1/items/missing' }),
    ]);
    expect(accessLines(logs, 'invalid')).toEqual([
      expect.objectContaining({ level: 'info', statusCode: 400, method: 'POST', route: '/v1/items' }),
    ]);
    expect(accessLines(logs, 'failed')).toEqual([expect.objectContaining({ level: 'error', statusCode: 500 })]);
  });

  it('with all logs a successful request', async () => {
    const { app, logs } = start({ config: testConfig({ accessLog: 'all' }) });
    const created = await app.inject({ method: 'POST', url: '/v1/items', payload: { name: 'a' }, headers: id('created') });
    expect(created.statusCode).toBe(201);
    const item = created.json<{ id: string }>();
    expect((await app.inject({ url: `/v1/items/${item.id}`, headers: id('read') })).statusCode).toBe(200);
    expect(accessLines(logs, 'created')).toEqual([
      expect.objectContaining({ level: 'info', statusCode: 201, method: 'POST', route: '/v1/items' }),
    ]);
    expect(accessLines(logs, 'read')).toEqual([
      expect.objectContaining({ level: 'info', statusCode: 200, method: 'GET', route: '/v1/items/:id' }),
    ]);
  });

  it('with none logs no access line, but still the error behind a 500', async () => {
    const { app, logs } = start({ config: testConfig({ accessLog: 'none' }) });
    addFailingRoute(app);
    expect((await app.inject({ url: '/boom', headers: id('failed') })).statusCode).toBe(500);
    expect((await app.inject({ url: '/v1/items/missing', headers: id('not-found') })).statusCode).toBe(404);
    expect(logs.filter((line) => line['msg'] === 'request completed')).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ requestId: 'failed', level: 'error', msg: 'unhandled error' }));
  });

  it('leaves LOG_LEVEL in charge: at error, a 404 is not logged and a 500 is', async () => {
    const { app, logs } = start({ config: testConfig({ logLevel: 'error' }) });
    addFailingRoute(app);
    expect((await app.inject({ url: '/v1/items/missing', headers: id('not-found') })).statusCode).toBe(404);
    expect((await app.inject({ url: '/boom', headers: id('failed') })).statusCode).toBe(500);
    expect(accessLines(logs, 'not-found')).toEqual([]);
    expect(accessLines(logs, 'failed')).toEqual([expect.objectContaining({ level: 'error', statusCode: 500 })]);
  });
});

describe('metrics', () => {
  it('exposes process metrics and a request duration histogram by route and status', async () => {
    const { app } = start();
    await app.inject({ url: '/v1/items/missing' });
    const response = await app.inject({ url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('process_cpu_seconds_total');
    expect(response.body).toMatch(
      /http_request_duration_seconds_bucket\{[^}]*route="\/v1\/items\/:id"[^}]*status="404"[^}]*\} 1/,
    );
  });
});
