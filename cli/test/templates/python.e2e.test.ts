/**
 * The python golden path, end to end: generate with the real CLI, create a virtualenv with
 * the machine's Python (3.11 or newer), install the locked dev dependencies (hash-checked),
 * run the service's own lint, typecheck, tests and build (sdist + wheel), then start the
 * built wheel and hold it to the language-neutral contract (conformance.ts). With the
 * `postgres` and `events` features the same happens against a private PostgreSQL (and
 * RabbitMQ), and the started service is held to the data contract (data-conformance.ts).
 * The static checks every template gets are in artifacts.test.ts.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import type { RunningService } from './conformance.js';
import { checkDataFeatures } from './data-conformance.js';
import { featuredCombinations } from './feature-matrix.js';
import { freePort, generateService, runCommand, startDataServers, startProcess } from './harness.js';

// The interpreter that makes the virtualenv; PAVED_PYTHON picks another one.
const PYTHON = process.env['PAVED_PYTHON'] ?? 'python3';
// Downloaded wheels, one folder per dev lock file, kept between runs (see wheelhouse()).
const WHEELHOUSES = process.env['PAVED_PYTHON_WHEELHOUSE'] ?? join(homedir(), '.cache', 'paved', 'python-wheels');
const NAME = 'orders';
const TEAM = 'checkout';
const PACKAGE = 'orders';
const timings: string[] = [];

function venvEnv(dir: string): NodeJS.ProcessEnv {
  const bin = join(dir, '.venv', 'bin');
  // pip's cache stays on (PIP_NO_CACHE_DIR unset) so a warm run downloads nothing.
  const { PIP_NO_CACHE_DIR: _noCache, PYTHONPATH: _path, ...env } = process.env;
  return { ...env, VIRTUAL_ENV: join(dir, '.venv'), PATH: `${bin}:${env['PATH'] ?? ''}`, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
}

/**
 * A folder holding every wheel the lock file names, downloaded once per lock file and reused:
 * pip's own HTTP cache does not help on machines whose package proxy sends no caching
 * headers, so without this every run downloads everything again. Installs from it still
 * check each file against the lock's hashes.
 */
async function wheelhouse(dir: string, py: string, env: NodeJS.ProcessEnv): Promise<string> {
  const lock = await readFile(join(dir, 'requirements-dev.lock'));
  const target = join(WHEELHOUSES, createHash('sha256').update(lock).digest('hex').slice(0, 16));
  if (existsSync(target)) {
    timings.push(`wheelhouse: reused ${target}`);
    return target;
  }
  // Downloaded next to the target and renamed into place, so a half download never counts.
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const download = ['-m', 'pip', 'download', '--only-binary=:all:', '--require-hashes', '-r', 'requirements-dev.lock', '-d', partial];
  await step(dir, 'pip download (cold wheelhouse)', py, download, env);
  await rename(partial, target).catch(async (error: unknown) => {
    // Another run finished the same download first: use theirs.
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  });
  return target;
}

/** The machine's Python: its version and executable (asked from outside any service folder,
 * whose .python-version names the image's 3.13 and would send a pyenv shim looking for it). */
async function machinePython(): Promise<{ version: string; executable: string }> {
  const probe = await runCommand(PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2], sys.executable)'], {
    cwd: tmpdir(),
  });
  expect(probe.code, `${PYTHON} not found: ${probe.output}`).toBe(0);
  const [version = '', executable = ''] = probe.output.trim().split(' ');
  return { version, executable };
}

async function step(dir: string, label: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCommand(command, args, { cwd: dir, env, timeoutMs: 600_000 });
  timings.push(`${label}: ${result.ms} ms`);
  expect(result.code, `${label} failed in ${dir}:\n${result.output}`).toBe(0);
  return result.output;
}

const generate = (features: string[] = []): Promise<string> => generateService({ template: 'python', name: NAME, team: TEAM, features });

/**
 * Everything the service's CI runs, in a fresh virtualenv: install from the hashed dev lock,
 * lint, typecheck, tests (with `services` in the environment: DATABASE_URL, AMQP_URL) and
 * build; then installs the built wheel. Returns the interpreter and environment to run it with.
 */
async function checkToolchain(dir: string, services: NodeJS.ProcessEnv = {}): Promise<{ py: string; env: NodeJS.ProcessEnv; version: string }> {
  const { version, executable: interpreter } = await machinePython();
  const [major, minor] = version.split('.').map(Number);
  expect((major ?? 0) * 100 + (minor ?? 0), `Python ${version} is older than 3.11`).toBeGreaterThanOrEqual(311);

  await step(dir, 'python -m venv', interpreter, ['-m', 'venv', '.venv'], process.env);
  const env = venvEnv(dir);
  const py = join(dir, '.venv', 'bin', 'python');
  const wheels = await wheelhouse(dir, py, env);
  // --no-compile: bytecode is written lazily on first import instead of for every file of
  // every package up front, which is most of a warm install's time on a small machine.
  const install = ['-m', 'pip', 'install', '--no-compile', '--no-index', '--find-links', wheels];
  await step(dir, 'pip install -r requirements-dev.lock', py, [...install, '--require-hashes', '-r', 'requirements-dev.lock'], env);
  await step(dir, 'ruff check', py, ['-m', 'ruff', 'check', '.'], env);
  await step(dir, 'ruff format --check', py, ['-m', 'ruff', 'format', '--check', '.'], env);
  await step(dir, 'mypy', py, ['-m', 'mypy'], env);
  const tests = await step(dir, 'pytest', py, ['-m', 'pytest', '-p', 'no:cacheprovider'], { ...env, ...services });
  expect(tests).toMatch(/\b\d+ passed\b/);
  expect(tests).not.toMatch(/\b\d+ (failed|errors?)\b/); // skipped: the benchmark hook, without EVENTS_BENCH
  // What the Paved CI workflow runs: sdist and wheel, with the locked hatchling.
  await step(dir, 'python -m build', py, ['-m', 'build', '--no-isolation'], env);
  const built = (await readdir(join(dir, 'dist'))).sort();
  expect(built).toEqual([`${PACKAGE}-0.1.0-py3-none-any.whl`, `${PACKAGE}-0.1.0.tar.gz`]);

  // Run what was built: the wheel, installed into the virtualenv (its dependencies are there).
  await step(dir, 'pip install the wheel', py, ['-m', 'pip', 'install', '--no-deps', '--no-index', join('dist', built[0] ?? '')], env);
  return { py, env, version };
}

describe('python template', () => {
  it('generates a service that passes its own checks and the runtime contract', async () => {
    const dir = await generate();
    const { py, env, version } = await checkToolchain(dir);
    const serve = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, HOST: '127.0.0.1', ...extra });
    // Started from outside the project so the installed wheel is imported, not ./src.
    const cwd = join(dir, 'dist');

    await checkRejectsBadConfig((extra) => spawn(py, ['-m', PACKAGE], { cwd, env: serve(extra), stdio: ['ignore', 'pipe', 'pipe'] }));

    const port = await freePort();
    const service = startProcess(py, ['-m', PACKAGE], { cwd, port, env: serve({ PORT: String(port), LOG_LEVEL: 'info' }) });
    onTestFinished(() => {
      service.process.kill('SIGKILL'); // a no-op once the graceful shutdown check has seen it exit
    });
    await waitUntilHealthy(service);
    await checkConformance(service);
    await checkGracefulShutdown(service);
    console.log(`python e2e timings (Python ${version}):\n  ${timings.join('\n  ')}`);
  }, 900_000);
});

// Every valid combination of the template's features (feature-matrix.ts): the service's own
// checks against real servers, then the built wheel held to the runtime and data contracts.
describe.each(await featuredCombinations('python'))('python template %s', (_label, features) => {
  it('passes its own checks against real servers and holds the runtime and data contracts', async () => {
    const dir = await generate([...features]);
    const servers = await startDataServers(features);
    const started: RunningService[] = [];
    onTestFinished(async () => {
      for (const s of started) s.process.kill('SIGKILL');
      await servers.stop();
    });
    const { py, env } = await checkToolchain(dir, servers.env);
    const cwd = join(dir, 'dist'); // the installed wheel, not ./src
    const start = async (): Promise<RunningService> => {
      const port = await freePort();
      const service = startProcess(py, ['-m', PACKAGE], { cwd, port, env: { ...env, ...servers.env, HOST: '127.0.0.1', PORT: String(port) } });
      started.push(service);
      await waitUntilHealthy(service);
      return service;
    };
    await checkDataFeatures({ name: NAME, team: TEAM, features, servers, start });
  }, 900_000);
});

// The static checks every template gets (workflows, Dockerfile, overlays, catalog, hostile free
// text) are in artifacts.test.ts; this one is Python's own.
describe('python template image dependencies', () => {
  // Without features and with all of them (the postgres-only lock pins the same versions of a
  // subset): psycopg's binary wheel must exist for the image's Python on both architectures.
  it.each([
    ['x86_64', []],
    ['aarch64', []],
    ['x86_64', ['postgres', 'events']],
    ['aarch64', ['postgres', 'events']],
  ])(
    'the lock files the image installs resolve for its Python on %s %j',
    async (arch: string, features: string[]) => {
      const dir = await generate(features);
      const from = /^FROM python:(\d+)\.(\d+)\.\d+-slim\S*@sha256:/m.exec(await readFile(join(dir, 'Dockerfile'), 'utf8'));
      expect(from, 'the Dockerfile names python:<x.y.z>-slim by digest').not.toBeNull();
      const abi = `cp${from?.[1] ?? ''}${from?.[2] ?? ''}`;
      const { executable } = await machinePython();
      // pip takes these tags literally (no older manylinux implied): the ones wheels use that the
      // image's glibc (2.41) accepts, e.g. psycopg-binary's aarch64 wheels are manylinux_2_28 only.
      const platforms = ['manylinux_2_41', 'manylinux_2_28', 'manylinux_2_17', 'manylinux2014'].flatMap((tag) => ['--platform', `${tag}_${arch}`]);
      for (const lock of ['requirements.lock', 'requirements-build.lock']) {
        const text = await readFile(join(dir, lock));
        const dest = join(WHEELHOUSES, `${abi}-${arch}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
        const target = ['--python-version', `${from?.[1] ?? ''}.${from?.[2] ?? ''}`, '--implementation', 'cp', '--abi', abi];
        const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', ...target, ...platforms];
        const result = await runCommand(executable, [...args, '--require-hashes', '-r', join(dir, lock), '-d', dest], {
          cwd: tmpdir(),
        });
        expect(result.code, `${lock} for ${abi} ${arch}:\n${result.output}`).toBe(0);
      }
    },
    180_000,
  );
});
