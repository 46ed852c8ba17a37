/**
 * The go golden path, end to end: generate with the real CLI, run the generated service's
 * own checks with the machine's Go (the commands its CI workflow runs, the tests with -race as
 * there: a data race in the template's own tests would fail every new service's first CI run),
 * build the static binary, start it and hold it to the language-neutral contract
 * (conformance.ts). The static checks every template gets are in artifacts.test.ts.
 *
 * Go's module and build caches (GOMODCACHE, GOCACHE) are shared with the machine, so a
 * second run compiles nothing but the service; point them at empty folders to time a cold run.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import { freePort, generateService, runCommand, startPostgres, startProcess, startRabbitMQ } from './harness.js';

const timings: string[] = [];

// Every go command but the race-detecting tests builds as the Dockerfile does (static,
// -trimpath). One set of flags means one set of compiled packages in GOCACHE: vet, staticcheck
// and build share them instead of compiling the dependencies again. The race detector needs
// cgo, so the tests compile their own set (about a minute cold).
const GO_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CGO_ENABLED: '0',
  GOFLAGS: [process.env['GOFLAGS'], '-trimpath'].filter(Boolean).join(' '),
};

async function go(dir: string, args: string[], env: NodeJS.ProcessEnv = GO_ENV): Promise<string> {
  const result = await runCommand('go', args, { cwd: dir, env, timeoutMs: 600_000 });
  timings.push(`go ${args.join(' ')}: ${result.ms} ms`);
  expect(result.code, `go ${args.join(' ')} failed in ${dir}:\n${result.output}`).toBe(0);
  return result.output;
}

/**
 * What CI runs (Paved's reusable ci-go.yml): format, tidy (so go.mod and go.sum fit the
 * features the service was generated with), vet, staticcheck, tests, build. `testEnv` is what
 * the workflow's service containers give the tests (DATABASE_URL, AMQP_URL). Returns the binary.
 */
async function verify(dir: string, testEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  await go(dir, ['mod', 'download']);
  const gofmt = await runCommand('gofmt', ['-l', '.'], { cwd: dir });
  expect(gofmt.code, gofmt.output).toBe(0);
  expect(gofmt.output, 'files gofmt would change').toBe('');
  await go(dir, ['mod', 'tidy', '-diff']);
  await go(dir, ['vet', './...']);
  await go(dir, ['tool', 'staticcheck', './...']);
  expect(await go(dir, ['test', '-race', '-count=1', './...'], { ...GO_ENV, ...testEnv, CGO_ENABLED: '1' })).toMatch(
    /^ok\s+github\.com\/acme\/orders\/internal\/service/m,
  );
  // As the Dockerfile builds it: static (no cgo), so it runs on distroless/static.
  await go(dir, ['build', '-ldflags=-s -w', '-o', 'bin/server', '.']);
  return join(dir, 'bin', 'server');
}

/** Polls until check passes (it throws until then) or timeoutMs has passed. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function readiness(port: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** A metric of the service's own (label service="orders") from /metrics. */
async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = new RegExp(`^${name}\\{service="orders"\\} (\\S+)$`, 'm').exec(text);
  expect(line, `/metrics has ${name}`).not.toBeNull();
  return Number(line?.[1]);
}

async function expectMetric(port: number, name: string, want: number): Promise<void> {
  await eventually(async () => expect(await metric(port, name), name).toBe(want));
}

interface ReceivedEvent {
  routingKey: string;
  properties: GetMessage['properties'];
  event: { specversion: string; id: string; source: string; type: string; subject: string; time: string; datacontenttype: string; data: Record<string, unknown> };
}

/** The next message with that routing key on queue (others are skipped). */
async function nextEvent(channel: Channel, queue: string, routingKey: string): Promise<ReceivedEvent> {
  return eventually(async () => {
    const message = await channel.get(queue, { noAck: true });
    if (message === false || message.fields.routingKey !== routingKey) throw new Error(`no ${routingKey} on ${queue}`);
    return { routingKey, properties: message.properties, event: JSON.parse(message.content.toString('utf8')) as ReceivedEvent['event'] };
  });
}

describe('go template', () => {
  it('generates a service that passes its own checks and the runtime contract', async () => {
    const dir = await generateService({ template: 'go', name: 'orders', team: 'checkout', set: { githubOrg: 'acme' } });
    expect(await readFile(join(dir, 'go.mod'), 'utf8')).toMatch(/^module github\.com\/acme\/orders\n/);
    const binary = await verify(dir);

    await checkRejectsBadConfig((extra) =>
      spawn(binary, [], { cwd: dir, env: { ...process.env, HOST: '127.0.0.1', ...extra }, stdio: ['ignore', 'pipe', 'pipe'] }),
    );

    const port = await freePort();
    const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    const service = startProcess(binary, [], { cwd: dir, port, env });
    onTestFinished(() => {
      service.process.kill('SIGKILL'); // a no-op once the graceful shutdown check has seen it exit
    });
    await waitUntilHealthy(service);
    await checkConformance(service);
    // The container HEALTHCHECK: the binary probes itself (distroless has no shell or curl).
    const probe = await runCommand(binary, ['healthcheck'], { cwd: dir, env });
    expect(probe.code, probe.output).toBe(0);
    await checkGracefulShutdown(service);
    const probeAfter = await runCommand(binary, ['healthcheck'], { cwd: dir, env });
    expect(probeAfter.code, 'healthcheck fails once the server is gone').toBe(1);
    const version = await runCommand('go', ['version'], { cwd: dir });
    console.log(`go e2e timings (${version.output.trim()}):\n  ${timings.join('\n  ')}`);
  }, 900_000);
});

describe('go template with data features', () => {
  it('with postgres: its checks pass against a real PostgreSQL, the contract holds and /readyz follows the database', async () => {
    const dir = await generateService({ template: 'go', name: 'orders', team: 'checkout', set: { githubOrg: 'acme' }, features: ['postgres'] });
    const postgres = await startPostgres();
    onTestFinished(() => postgres.stop());
    const binary = await verify(dir, { DATABASE_URL: postgres.url });

    const port = await freePort();
    const service = startProcess(binary, [], { cwd: dir, port, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: postgres.url } });
    onTestFinished(() => {
      service.process.kill('SIGKILL');
    });
    await waitUntilHealthy(service);
    expect(await readiness(port)).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });
    await checkConformance(service);
    await postgres.stop();
    expect(await readiness(port)).toEqual({ status: 503, body: { status: 'not_ready', checks: { database: 'failed' } } });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 'liveness ignores the database').toBe(200);
  }, 900_000);

  it('with postgres and events: its checks pass against real servers, and the outbox, the saga, dead-lettering and reconnection work', async () => {
    const dir = await generateService({
      template: 'go',
      name: 'orders',
      team: 'checkout',
      set: { githubOrg: 'acme' },
      features: ['postgres', 'events'],
    });
    const [postgres, rabbitmq] = await Promise.all([startPostgres(), startRabbitMQ()]);
    onTestFinished(async () => {
      await Promise.all([postgres.stop(), rabbitmq.stop()]);
    });
    const servers = { DATABASE_URL: postgres.url, AMQP_URL: rabbitmq.url };
    const binary = await verify(dir, servers);

    const port = await freePort();
    const env = { ...process.env, ...servers, PORT: String(port), HOST: '127.0.0.1', EVENTS_MAX_ATTEMPTS: '2' };
    let service = startProcess(binary, [], { cwd: dir, port, env });
    onTestFinished(() => {
      service.process.kill('SIGKILL');
    });
    await waitUntilHealthy(service);
    await eventually(async () => expect(await readiness(port)).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', broker: 'ok' } } }));

    // A queue of the test's own sees every event; durable, so it outlives the broker restart below.
    // The broker restart below closes this connection: amqplib reports that as an 'error' event.
    const observe = async (): Promise<{ connection: ChannelModel; channel: Channel }> => {
      const connection = await connect(rabbitmq.url);
      connection.on('error', () => undefined);
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      onTestFinished(() => connection.close().catch(() => undefined));
      return { connection, channel };
    };
    let { channel } = await observe();
    await channel.assertQueue('e2e-observer', { durable: true });
    await channel.bindQueue('e2e-observer', 'events', '#');
    await checkConformance(service);
    await channel.purgeQueue('e2e-observer');

    // Creating an item publishes item.created.v1, a CloudEvent in structured mode.
    const post = async (name: string): Promise<{ id: string; status: string; createdAt: string }> => {
      const response = await fetch(`http://127.0.0.1:${port}/v1/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
        body: JSON.stringify({ name }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string; status: string; createdAt: string };
    };
    const item = await post('widget');
    expect(item.status).toBe('active');
    const created = await nextEvent(channel, 'e2e-observer', 'item.created.v1');
    expect(created.properties).toMatchObject({
      contentType: 'application/cloudevents+json',
      messageId: created.event.id,
      type: 'item.created.v1',
      deliveryMode: 2,
    });
    expect(String(created.properties.headers?.['traceparent'])).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-0[01]$/);
    expect(created.event).toMatchObject({
      specversion: '1.0',
      source: '/checkout/orders',
      type: 'item.created.v1',
      subject: item.id,
      datacontenttype: 'application/json',
      data: { id: item.id, name: 'widget', description: null, createdAt: item.createdAt },
    });

    // The saga: a rejection withdraws the item once, however often it is delivered.
    const rejection = Buffer.from(
      JSON.stringify({
        specversion: '1.0',
        id: 'b5f8f6a4-2d4e-4c53-9d8e-3f1c2b7a9e10',
        source: '/pricing/prices',
        type: 'item.rejected.v1',
        subject: item.id,
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: { itemId: item.id, reason: 'no price for it' },
      }),
    );
    for (let i = 0; i < 2; i += 1) {
      channel.publish('events', 'item.rejected.v1', rejection, { contentType: 'application/cloudevents+json', persistent: true });
    }
    await expectMetric(port, 'consumer_processed_total', 2);
    expect(await metric(port, 'consumer_duplicates_total')).toBe(1);
    const withdrawn = await nextEvent(channel, 'e2e-observer', 'item.withdrawn.v1');
    expect(withdrawn.event).toMatchObject({ type: 'item.withdrawn.v1', subject: item.id, data: { id: item.id, reason: 'no price for it' } });
    expect(((await (await fetch(`http://127.0.0.1:${port}/v1/items/${item.id}`)).json()) as { status: string }).status).toBe('withdrawn');

    // A message it cannot handle is delivered EVENTS_MAX_ATTEMPTS times, then dead-lettered.
    channel.publish('events', 'item.rejected.v1', Buffer.from('not JSON'), { persistent: true });
    await expectMetric(port, 'consumer_dead_lettered_total', 1);
    const deadLetter = await eventually(async () => {
      const message = await channel.get('orders.dead-letter', { noAck: true });
      if (message === false) throw new Error('nothing in orders.dead-letter');
      return message.content.toString('utf8');
    });
    expect(deadLetter).toBe('not JSON');
    expect(await metric(port, 'consumer_redeliveries_total')).toBe(1);
    await channel.purgeQueue('e2e-observer');
    await expectMetric(port, 'outbox_pending_events', 0);
    const published = await metric(port, 'outbox_published_total');

    // The broker goes away: not ready meanwhile; an item created then waits in the outbox and is
    // published once the relay has reconnected.
    const restart = rabbitmq.restart();
    await eventually(async () => expect(await readiness(port)).toMatchObject({ status: 503, body: { checks: { database: 'ok', broker: 'failed' } } }));
    const whileDown = await post('made while the broker was down');
    await restart;
    await eventually(async () => expect((await readiness(port)).status).toBe(200), 60_000);
    ({ channel } = await observe());
    const late = await nextEvent(channel, 'e2e-observer', 'item.created.v1');
    expect(late.event.subject).toBe(whileDown.id);
    await expectMetric(port, 'outbox_published_total', published + 1);
    await expectMetric(port, 'outbox_pending_events', 0);

    // SIGTERM: the in-flight request completes, the relay and consumer stop after it, exit 0.
    await checkGracefulShutdown(service);

    // Started again (the schema is already there), then the database goes away.
    service = startProcess(binary, [], { cwd: dir, port, env });
    await waitUntilHealthy(service);
    await eventually(async () => expect((await readiness(port)).status).toBe(200));
    await postgres.stop();
    expect(await readiness(port)).toMatchObject({ status: 503, body: { status: 'not_ready', checks: { database: 'failed' } } });
  }, 900_000);
});

// The static checks every template gets (workflows, Dockerfile, overlays, catalog, hostile free
// text) are in artifacts.test.ts; these are Go's own.
describe('go template image', () => {
  it('builds with a Go that satisfies go.mod and health-checks with the binary itself', async () => {
    const dir = await generateService({ template: 'go', name: 'orders', team: 'checkout' });
    const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8');
    // The golang image's Go must satisfy go.mod's toolchain line (the image sets GOTOOLCHAIN=local).
    const goMod = await readFile(join(dir, 'go.mod'), 'utf8');
    const toolchain = /^toolchain go(\d+\.\d+\.\d+)$/m.exec(goMod)?.[1];
    expect(toolchain, 'go.mod names its toolchain').toBeDefined();
    expect(dockerfile, 'the build image comment names the Go it carries').toContain(`(Go ${toolchain ?? ''})`);
    // distroless has no shell or curl: the HEALTHCHECK runs the subcommand the e2e test above exercises.
    expect(dockerfile).toContain('CMD ["/app/server", "healthcheck"]');
  });
});
