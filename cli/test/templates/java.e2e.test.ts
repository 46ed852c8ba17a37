/**
 * The java golden path, end to end: generate with the real CLI, run the service's own Maven
 * build (checkstyle lint in the validate phase, JUnit tests, the executable jar), then start the
 * jar and hold it to the language-neutral contract (conformance.ts). The generated artifacts
 * (Dockerfile, overlays, workflows) are checked for every template in artifacts.test.ts.
 *
 * Maven uses the user's local repository (~/.m2) as its cache: the first run on a machine
 * downloads Spring Boot and the plugins from the registry, later runs reuse them.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import type { RunningService } from './conformance.js';
import { checkDataFeatures } from './data-conformance.js';
import { combinationLabel, featuredCombinations } from './feature-matrix.js';
import { freePort, generateService, runCommand, startDataServers, startProcess } from './harness.js';

const timings: string[] = [];

// -ntp/-B: no progress bars or colours in the captured output. Not -q: the output is checked for
// proof that lint and tests really ran.
const MAVEN_FLAGS = ['-B', '-ntp'];

async function mavenVerify(dir: string, env: NodeJS.ProcessEnv = process.env, label = ''): Promise<string> {
  const result = await runCommand('mvn', [...MAVEN_FLAGS, 'verify'], { cwd: dir, env, timeoutMs: 900_000 });
  timings.push(`mvn verify${label} (lint + tests + jar): ${result.ms} ms`);
  expect(result.code, `mvn verify failed in ${dir}:\n${result.output.slice(-20_000)}`).toBe(0);
  return result.output;
}

function javaArgs(): string[] {
  return ['-jar', 'target/app.jar'];
}

/** Starts the jar on a port (a free one unless given) with the environment, and waits until /healthz answers. */
async function startService(dir: string, env: NodeJS.ProcessEnv, port?: number): Promise<ReturnType<typeof startProcess>> {
  const listen = port ?? (await freePort());
  const service = startProcess('java', javaArgs(), {
    cwd: dir,
    port: listen,
    env: { ...env, PORT: String(listen), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
  });
  try {
    // The JVM and Spring take seconds, not milliseconds, to start on a busy 2-core machine.
    await waitUntilHealthy(service, 90_000);
  } catch (error) {
    service.process.kill('SIGKILL');
    throw new Error(`${String(error)}\nstderr:\n${service.stderr()}`);
  }
  return service;
}

/** Starts the jar with one extra variable and expects it to refuse to start: exit 1, the variable named, the secret not shown. */
async function expectRefusal(dir: string, env: NodeJS.ProcessEnv, name: string, value: string, secret: string): Promise<void> {
  const result = await runCommand('java', javaArgs(), { cwd: dir, env: { ...env, [name]: value, HOST: '127.0.0.1' }, timeoutMs: 60_000 });
  expect(result.code, `exit code with ${name}=${value}: ${result.output}`).toBe(1);
  expect(result.output).toContain(`${name}: `);
  expect(result.output, 'the password is never printed').not.toContain(secret);
}

/**
 * A feature combination end to end: the service's own Maven build and tests against a private
 * PostgreSQL (and RabbitMQ), refusals of bad data settings, then the built jar held to the
 * runtime and data contracts (data-conformance.ts).
 */
async function checkWithFeatures(features: readonly string[]): Promise<void> {
  const label = ` ${combinationLabel(features)}`;
  const started = Date.now();
  const dir = await generateService({ template: 'java', name: 'orders', team: 'checkout', features: [...features] });
  const servers = await startDataServers(features);
  const services: ReturnType<typeof startProcess>[] = [];
  onTestFinished(async () => {
    for (const service of services) service.process.kill('SIGKILL');
    await servers.stop();
  });
  const events = features.includes('events');
  const env: NodeJS.ProcessEnv = { ...process.env, ...servers.env };

  const output = await mavenVerify(dir, env, label);
  expect(output).toContain('You have 0 Checkstyle violations.');
  const summary = /Tests run: (\d+), Failures: 0, Errors: 0, Skipped: 0\s*$/m.exec(output);
  expect(summary, 'surefire summary').not.toBeNull();
  expect(Number(summary?.[1])).toBeGreaterThanOrEqual(events ? 60 : 40);
  // The feature's own tests ran against the real servers (a class that cannot connect errors out).
  for (const testClass of ['data.MigrationsTest', 'data.DatabaseReadinessTest', 'items.ItemStoreTest', 'config.DatabaseConfigTest']) {
    expect(output).toMatch(new RegExp(`Tests run: [1-9]\\d*, Failures: 0, Errors: 0, Skipped: 0, .* in dev\\.paved\\.service\\.${testClass.replace('.', '\\.')}$`, 'm'));
  }
  if (events) {
    for (const testClass of ['OutboxRelayTest', 'EventConsumerTest', 'EventsHttpTest', 'BrokerHealthIndicatorTest']) {
      expect(output).toMatch(new RegExp(`Tests run: [1-9]\\d*, Failures: 0, Errors: 0, Skipped: 0, .* in dev\\.paved\\.service\\.events\\.${testClass}$`, 'm'));
    }
  }
  expect(existsSync(join(dir, 'target', 'app.jar'))).toBe(true);

  // Bad data settings stop the service before it listens, naming the variable, never printing the password.
  await expectRefusal(dir, env, 'DATABASE_URL', 'mysql://orders:hunter2@db/orders', 'hunter2');
  await expectRefusal(dir, env, 'DATABASE_POOL_MAX', '0', 'no-secret-here');
  if (events) await expectRefusal(dir, env, 'AMQP_URL', 'http://orders:hunter2@rabbitmq', 'hunter2');

  const start = async (): Promise<RunningService> => {
    const service = await startService(dir, env);
    services.push(service);
    return service;
  };
  await checkDataFeatures({ name: 'orders', team: 'checkout', features, servers, start });
  expect(services[0]?.stderr(), 'nothing on stderr in normal operation').toBe('');
  timings.push(`e2e${label}: ${Date.now() - started} ms`);
  console.log(`java e2e timings${label}:\n  ${timings.filter((line) => line.includes(label)).join('\n  ')}`);
}

// Every valid combination of the template's features (feature-matrix.ts).
describe.each(await featuredCombinations('java'))('java template %s', (_label, features) => {
  it('passes its own lint, tests and build against real servers and holds the runtime and data contracts', async () => {
    await checkWithFeatures(features);
  }, 900_000);
});

describe('java template', () => {
  it('generates a service that passes its own lint, tests and build, and the runtime contract', async () => {
    const dir = await generateService({ template: 'java', name: 'orders', team: 'checkout' });

    const output = await mavenVerify(dir);
    // Each step of the service's CI really ran: checkstyle, the JUnit suite, the boot jar.
    expect(output).toMatch(/maven-checkstyle-plugin:[\d.]+:check \(lint\)/);
    expect(output).toContain('You have 0 Checkstyle violations.');
    const summary = /Tests run: (\d+), Failures: 0, Errors: 0, Skipped: 0\s*$/m.exec(output);
    expect(summary, 'surefire summary').not.toBeNull();
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(10);
    expect(output).toMatch(/spring-boot-maven-plugin:[\d.]+:repackage/);
    expect(existsSync(join(dir, 'target', 'app.jar'))).toBe(true);

    // The lint has teeth: a file with an unused import and a tab fails the build's validate phase.
    const offender = join(dir, 'src/main/java/dev/paved/service/Offender.java');
    await writeFile(offender, 'package dev.paved.service;\n\nimport java.util.List;\n\nclass Offender {\n\tint x;\n}\n');
    const lint = await runCommand('mvn', [...MAVEN_FLAGS, '-q', 'validate'], { cwd: dir, env: process.env });
    timings.push(`mvn validate (lint only, failing): ${lint.ms} ms`);
    expect(lint.code, lint.output).not.toBe(0);
    expect(lint.output).toContain('Offender.java');
    expect(lint.output).toMatch(/UnusedImports/);
    expect(lint.output).toMatch(/FileTabCharacter/);
    await rm(offender);

    await checkRejectsBadConfig((extra) =>
      spawn('java', javaArgs(), { cwd: dir, env: { ...process.env, HOST: '127.0.0.1', ...extra }, stdio: ['ignore', 'pipe', 'pipe'] }),
    );

    const port = await freePort();
    const service = startProcess('java', javaArgs(), {
      cwd: dir,
      port,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    });
    try {
      const started = Date.now();
      // The JVM and Spring take seconds, not milliseconds, to start on a busy 2-core machine.
      await waitUntilHealthy(service, 90_000);
      timings.push(`start until /healthz answered: ${Date.now() - started} ms`);
      await checkConformance(service);
      await checkGracefulShutdown(service);
      expect(service.stderr(), 'nothing on stderr in normal operation').toBe('');
    } finally {
      service.process.kill('SIGKILL');
    }
    console.log(`java e2e timings:\n  ${timings.join('\n  ')}`);
  }, 900_000);

  // Dockerfile, overlays and workflows are checked for every template in artifacts.test.ts;
  // this is the one Java-specific part: the port parameter reaches the code's default.
  it("puts the port parameter into the service's own default", async () => {
    const dir = await generateService({ template: 'java', name: 'billing', team: 'payments', set: { port: '9091' } });
    const application = await readFile(join(dir, 'src/main/java/dev/paved/service/Application.java'), 'utf8');
    expect(application).toContain('DEFAULT_PORT = 9091;');
  });
});
