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
import { describe, expect, it } from 'vitest';
import { checkConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import { freePort, generateService, runCommand, startProcess } from './harness.js';

const timings: string[] = [];

// -ntp/-B: no progress bars or colours in the captured output. Not -q: the output is checked for
// proof that lint and tests really ran.
const MAVEN_FLAGS = ['-B', '-ntp'];

async function mavenVerify(dir: string): Promise<string> {
  const result = await runCommand('mvn', [...MAVEN_FLAGS, 'verify'], { cwd: dir, env: process.env, timeoutMs: 900_000 });
  timings.push(`mvn verify (lint + tests + jar): ${result.ms} ms`);
  expect(result.code, `mvn verify failed in ${dir}:\n${result.output.slice(-20_000)}`).toBe(0);
  return result.output;
}

function javaArgs(): string[] {
  return ['-jar', 'target/app.jar'];
}

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
