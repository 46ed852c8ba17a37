/**
 * The runtime contract every Paved service template implements, whatever its language, and
 * the one check that proves it against a real, started process. Templates call
 * `checkConformance` from their end-to-end test after starting the generated service.
 *
 * THE CONTRACT
 * Environment: PORT (listen port), HOST (listen address), LOG_LEVEL (debug|info|warn|error,
 *   case-insensitive; others the language allows may be added), ACCESS_LOG (errors|all|none,
 *   case-insensitive, default errors: see Logs), SHUTDOWN_TIMEOUT_MS,
 *   OTEL_EXPORTER_OTLP_ENDPOINT (tracing is on only when set), OTEL_SERVICE_NAME.
 *   An invalid value (e.g. PORT=not-a-port, ACCESS_LOG=loud) makes the process print a message
 *   naming the variable on stderr and exit 1 before listening (see `checkRejectsBadConfig`).
 * GET /healthz   200 while the process can serve (liveness; never checks dependencies).
 * GET /readyz    200 when ready for traffic, 503 when not (shutting down, dependency down).
 *                Both answer a JSON object with a string "status".
 * GET /metrics   200, Prometheus text format (content-type text/plain), including the
 *                histogram `http_request_duration_seconds` with labels `method`, `route`
 *                (the route template, e.g. /v1/items/{id} or /v1/items/:id, never the raw
 *                path) and `status` (the numeric status code), plus the language's default
 *                process metrics.
 * POST /v1/items {"name": string 1..100, "description"?: string <= 1000}, no other
 *                properties: 201 with the item {"id","name","description","createdAt"} and
 *                Location /v1/items/<id>.
 * GET /v1/items/<id>  200 with the item, 404 when unknown.
 * Errors (every 4xx/5xx the service produces, including unknown routes):
 *   content-type application/json, body
 *   {"error":{"code":string,"message":string,"requestId":string,"details"?:[{"path":string,"message":string}]}}
 *   codes: validation_failed (400, details required; path is a JSON pointer into the request
 *   such as /body/name), bad_request (400, e.g. malformed JSON), not_found (404),
 *   internal_error (500, no internal detail in the message).
 * Request ids: a client's `x-request-id` made of [A-Za-z0-9._:-]{1,128} is used as the
 *   request id, otherwise one is generated; it is echoed in the `x-request-id` response
 *   header and in error bodies' requestId.
 * Logs: stdout carries one JSON object per line; each has a string "level"; the lines about
 *   a request carry its id in "requestId". The access line ("request completed", with
 *   "method", "path", "route", "statusCode" and "durationMs") is written, subject to LOG_LEVEL, for every request that
 *   failed (status >= 400) with ACCESS_LOG=errors, the default; for every request with
 *   ACCESS_LOG=all (probes and /metrics may stay quiet while they succeed); never with
 *   ACCESS_LOG=none. A successful request writes no line by default: metrics and traces
 *   cover it, and a line per request is the largest single cost of a fast service (see
 *   bench/templates).
 * Shutdown: on SIGTERM the service stops accepting connections, lets in-flight requests
 *   finish, and exits 0 within a few seconds.
 */
import { connect } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { expect } from 'vitest';

export interface RunningService {
  process: ChildProcess;
  port: number;
  /** Everything the process has written to stdout so far (the caller keeps appending). */
  stdout(): string;
}

const REQUEST_ID = 'conformance-0123.abc:XYZ';

interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: { path: string; message: string }[] };
}

function expectErrorBody(body: unknown, code: string, requestId?: string): ErrorBody {
  expect(body, 'error body shape').toMatchObject({
    error: { code, message: expect.any(String) as unknown, requestId: expect.any(String) as unknown },
  });
  const error = (body as ErrorBody).error;
  expect(Object.keys(error).sort(), 'no other fields in "error"').toEqual(['code', 'message', 'requestId', ...(error.details ? ['details'] : [])].sort());
  if (requestId !== undefined) expect(error.requestId).toBe(requestId);
  return body as ErrorBody;
}

async function jsonOf(response: Response): Promise<unknown> {
  expect(response.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  return response.json();
}

/** Polls /healthz until it answers (or the process dies); call before checkConformance. */
export async function waitUntilHealthy(service: RunningService, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null) {
      throw new Error(`the service exited with ${service.process.exitCode} before becoming healthy:\n${service.stdout()}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/healthz`);
      if (response.status === 200) return;
      lastError = new Error(`/healthz answered ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the service did not become healthy in ${timeoutMs} ms: ${String(lastError)}\n${service.stdout()}`);
}

/** Checks every HTTP and logging rule of the contract. Leaves the service running. */
export async function checkConformance(service: RunningService): Promise<void> {
  const base = `http://127.0.0.1:${service.port}`;

  const health = await fetch(`${base}/healthz`);
  expect(health.status, '/healthz').toBe(200);
  expect(await jsonOf(health)).toMatchObject({ status: expect.any(String) as unknown });
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status, '/readyz').toBe(200);
  expect(await jsonOf(ready)).toMatchObject({ status: expect.any(String) as unknown });

  // The example resource, with a client-chosen request id.
  const created = await fetch(`${base}/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': REQUEST_ID },
    body: JSON.stringify({ name: 'conformance', description: 'made by the conformance check' }),
  });
  expect(created.status, 'POST /v1/items').toBe(201);
  expect(created.headers.get('x-request-id')).toBe(REQUEST_ID);
  const item = (await jsonOf(created)) as { id: string; name: string };
  expect(item).toMatchObject({ id: expect.any(String) as unknown, name: 'conformance' });
  expect(created.headers.get('location')).toBe(`/v1/items/${item.id}`);
  const read = await fetch(`${base}/v1/items/${encodeURIComponent(item.id)}`);
  expect(read.status).toBe(200);
  expect(await jsonOf(read)).toMatchObject({ id: item.id, name: 'conformance' });

  // Validation errors: one shape, details pointing at the field.
  for (const [payload, path] of [
    [{}, '/body/name'],
    [{ name: 7 }, '/body/name'],
    [{ name: 'x', unexpected: true }, '/body/unexpected'],
  ] as const) {
    const response = await fetch(`${base}/v1/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `${REQUEST_ID}-v` },
      body: JSON.stringify(payload),
    });
    expect(response.status, `POST ${JSON.stringify(payload)}`).toBe(400);
    const body = expectErrorBody(await jsonOf(response), 'validation_failed', `${REQUEST_ID}-v`);
    expect(body.error.details, 'validation details').toEqual(expect.arrayContaining([{ path, message: expect.any(String) as unknown }]));
  }
  const malformed = await fetch(`${base}/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"name":',
  });
  expect(malformed.status, 'malformed JSON').toBe(400);
  expectErrorBody(await jsonOf(malformed), 'bad_request');

  // Not found: a missing item and an unknown route give the same shape; an unsafe incoming
  // request id is replaced, not echoed.
  const missing = await fetch(`${base}/v1/items/no-such-item`);
  expect(missing.status).toBe(404);
  expectErrorBody(await jsonOf(missing), 'not_found', missing.headers.get('x-request-id') ?? undefined);
  const unknown = await fetch(`${base}/definitely/not/a/route`, { headers: { 'x-request-id': 'bad id <script>' } });
  expect(unknown.status).toBe(404);
  const unknownBody = expectErrorBody(await jsonOf(unknown), 'not_found');
  expect(unknownBody.error.requestId).not.toContain(' ');
  expect(unknown.headers.get('x-request-id')).toBe(unknownBody.error.requestId);

  // Metrics: Prometheus text with the duration histogram by route template and status.
  const metrics = await fetch(`${base}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.headers.get('content-type') ?? '').toMatch(/^text\/plain/);
  const text = await metrics.text();
  expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
  const buckets = text.split('\n').filter((line) => line.startsWith('http_request_duration_seconds_bucket{'));
  const itemRoute = buckets.filter((line) => /route="\/v1\/items\/(:id|\{id\})"/.test(line));
  expect(
    itemRoute.some((line) => /status="200"/.test(line) && /method="GET"/.test(line)),
    'GET item histogram',
  ).toBe(true);
  expect(buckets.some((line) => /route="\/v1\/items"/.test(line) && /status="400"/.test(line))).toBe(true);
  expect(
    buckets.some((line) => line.includes('no-such-item')),
    'raw paths must not become labels',
  ).toBe(false);
  expect(text, 'process metrics').toMatch(/^process_[a-z_]+(\{[^}]*\})? /m);

  // Logs: JSON lines, with our request id on the request's lines. Give the logger a moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const lines = service
    .stdout()
    .split('\n')
    .filter((line) => line.trim() !== '');
  expect(lines.length).toBeGreaterThan(0);
  const parsed = lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`stdout line is not JSON: ${line}`);
    }
  });
  for (const record of parsed) expect(typeof record['level'], `level in ${JSON.stringify(record)}`).toBe('string');
  // Started with the default ACCESS_LOG (errors): the failed request is logged, the created one is not.
  expect(
    parsed.some((record) => record['requestId'] === `${REQUEST_ID}-v`),
    'a log line with the failed request id',
  ).toBe(true);
  // Its access line has the same fields in every language, so one log query fits all services.
  const accessLine = parsed.find((record) => record['requestId'] === `${REQUEST_ID}-v` && 'durationMs' in record);
  expect(accessLine, 'the access line of the failed request').toMatchObject({
    method: 'POST',
    path: '/v1/items',
    route: '/v1/items',
    statusCode: 400,
    durationMs: expect.any(Number),
  });
  expect(
    parsed.filter((record) => record['requestId'] === REQUEST_ID),
    'no line for a successful request with the default ACCESS_LOG',
  ).toEqual([]);
}

/**
 * Sends SIGTERM while a request is in flight (its body only half sent) and checks that the
 * request still completes and the process exits 0 within `withinMs`.
 */
export async function checkGracefulShutdown(service: RunningService, withinMs = 5_000): Promise<void> {
  const body = JSON.stringify({ name: 'in-flight' });
  const half = Math.floor(body.length / 2);
  const socket = connect(service.port, '127.0.0.1');
  let response = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    response += chunk;
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `POST /v1/items HTTP/1.1\r\nHost: 127.0.0.1:${service.port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));

  const exited = new Promise<number | null>((resolve) => {
    if (service.process.exitCode !== null) resolve(service.process.exitCode);
    else service.process.once('exit', (code) => resolve(code));
  });
  const signalledAt = Date.now();
  service.process.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The rest of the body without closing our side: a client that half-closes after its request
  // is legal but rare, and uvicorn takes it for a disconnect (no answer) — not what this checks.
  // Connection: close makes the server close once it has answered.
  socket.write(body.slice(half));
  await closed;
  expect(response.split('\r\n')[0], 'the in-flight request completed').toMatch(/^HTTP\/1\.1 201 /);

  const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), withinMs))]);
  expect(code, `exit code after SIGTERM (within ${withinMs} ms)`).toBe(0);
  expect(Date.now() - signalledAt).toBeLessThan(withinMs);
}

/**
 * Starts the service with an invalid PORT, then with an invalid ACCESS_LOG, and checks it
 * refuses to start each time: exit 1 and a message on stderr naming the variable.
 */
export async function checkRejectsBadConfig(start: (env: Record<string, string>) => ChildProcess, timeoutMs = 15_000): Promise<void> {
  await expectRefusal(start, 'PORT', 'not-a-port', timeoutMs);
  await expectRefusal(start, 'ACCESS_LOG', 'loud', timeoutMs);
}

async function expectRefusal(start: (env: Record<string, string>) => ChildProcess, name: string, value: string, timeoutMs: number): Promise<void> {
  const child = start({ [name]: value });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null | 'timeout'>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, timeoutMs);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  expect(code, `exit code with ${name}=${value}; stderr: ${stderr}`).toBe(1);
  expect(stderr).toContain(name);
}
