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
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunningService } from './conformance.js';
import { checkConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import { checkDataFeatures } from './data-conformance.js';
import { featuredCombinations } from './feature-matrix.js';
import { freePort, generateService, runCommand, startDataServers, startProcess } from './harness.js';

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

// Every valid combination of the template's features (feature-matrix.ts): the service's own
// checks against real servers, then the language-neutral runtime contracts.
describe.each(await featuredCombinations('go'))('go template %s', (_label, features) => {
  it('passes its own checks against real servers and holds the runtime and data contracts', async () => {
    const dir = await generateService({ template: 'go', name: 'orders', team: 'checkout', set: { githubOrg: 'acme' }, features: [...features] });
    const servers = await startDataServers(features);
    const started: RunningService[] = [];
    onTestFinished(async () => {
      for (const s of started) s.process.kill('SIGKILL');
      await servers.stop();
    });
    const binary = await verify(dir, servers.env);
    const start = async (): Promise<RunningService> => {
      const port = await freePort();
      const service = startProcess(binary, [], { cwd: dir, port, env: { ...process.env, ...servers.env, PORT: String(port), HOST: '127.0.0.1' } });
      started.push(service);
      await waitUntilHealthy(service);
      return service;
    };
    await checkDataFeatures({ name: 'orders', team: 'checkout', features, servers, start });
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
