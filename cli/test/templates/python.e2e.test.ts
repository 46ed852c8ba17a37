/**
 * The python golden path, end to end: generate with the real CLI, create a virtualenv with
 * the machine's Python (3.11 or newer), install the locked dev dependencies (hash-checked,
 * through pip's cache), run the service's own lint, typecheck, tests and wheel build, then
 * start the built wheel and hold it to the language-neutral contract (conformance.ts).
 * The same generated tree gets the static checks the typescript artifacts test runs.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { actionlint, formatFindings, hadolint, kubeconform, kustomizeBuild, zizmor } from '@paved/testkit';
import { checkConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import { freePort, generateService, runCommand, startProcess } from './harness.js';

// The interpreter that makes the virtualenv; PAVED_PYTHON picks another one.
const PYTHON = process.env['PAVED_PYTHON'] ?? 'python3';
const NAME = 'orders';
const PACKAGE = 'orders';
const timings: string[] = [];

function venvEnv(dir: string): NodeJS.ProcessEnv {
  const bin = join(dir, '.venv', 'bin');
  // pip's cache stays on (PIP_NO_CACHE_DIR unset) so a warm run downloads nothing.
  const { PIP_NO_CACHE_DIR: _noCache, PYTHONPATH: _path, ...env } = process.env;
  return { ...env, VIRTUAL_ENV: join(dir, '.venv'), PATH: `${bin}:${env['PATH'] ?? ''}`, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
}

async function step(dir: string, label: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCommand(command, args, { cwd: dir, env, timeoutMs: 600_000 });
  timings.push(`${label}: ${result.ms} ms`);
  expect(result.code, `${label} failed in ${dir}:\n${result.output}`).toBe(0);
  return result.output;
}

const generate = (): Promise<string> => generateService({ template: 'python', name: NAME, team: 'checkout' });

describe('python template', () => {
  it('generates a service that passes its own checks and the runtime contract', async () => {
    const dir = await generate();
    const version = await runCommand(PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { cwd: dir });
    expect(version.code, `${PYTHON} not found: ${version.output}`).toBe(0);
    const [major, minor] = version.output.trim().split('.').map(Number);
    expect((major ?? 0) * 100 + (minor ?? 0), `Python ${version.output.trim()} is older than 3.11`).toBeGreaterThanOrEqual(311);

    await step(dir, 'python -m venv', PYTHON, ['-m', 'venv', '.venv'], process.env);
    const env = venvEnv(dir);
    const py = join(dir, '.venv', 'bin', 'python');
    // --no-compile: bytecode is written lazily on first import instead of for every file of
    // every package up front, which is most of a warm install's time on a small machine.
    const install = ['-m', 'pip', 'install', '--no-compile', '--require-hashes', '-r', 'requirements-dev.lock'];
    await step(dir, 'pip install -r requirements-dev.lock', py, install, env);
    await step(dir, 'ruff check', py, ['-m', 'ruff', 'check', '.'], env);
    await step(dir, 'ruff format --check', py, ['-m', 'ruff', 'format', '--check', '.'], env);
    await step(dir, 'mypy', py, ['-m', 'mypy'], env);
    const tests = await step(dir, 'pytest', py, ['-m', 'pytest', '-p', 'no:cacheprovider'], env);
    expect(tests).toMatch(/\b\d+ passed\b/);
    await step(dir, 'python -m build --wheel', py, ['-m', 'build', '--wheel', '--no-isolation'], env);
    const wheels = (await readdir(join(dir, 'dist'))).filter((file) => file.endsWith('.whl'));
    expect(wheels).toEqual([`${PACKAGE}-0.1.0-py3-none-any.whl`]);

    // Run what was built: the wheel, installed into the virtualenv (its dependencies are there).
    await step(dir, 'pip install wheel', py, ['-m', 'pip', 'install', '--no-deps', join('dist', wheels[0] ?? '')], env);
    const serve = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, HOST: '127.0.0.1', ...extra });
    // Started from outside the project so the installed wheel is imported, not ./src.
    const cwd = join(dir, 'dist');

    await checkRejectsBadConfig((extra) =>
      spawn(py, ['-m', PACKAGE], { cwd, env: serve(extra), stdio: ['ignore', 'pipe', 'pipe'] }),
    );

    const port = await freePort();
    const service = startProcess(py, ['-m', PACKAGE], { cwd, port, env: serve({ PORT: String(port), LOG_LEVEL: 'info' }) });
    try {
      await waitUntilHealthy(service);
      await checkConformance(service);
      await checkGracefulShutdown(service);
    } finally {
      service.process.kill('SIGKILL');
    }
    console.log(`python e2e timings (${version.output.trim()}):\n  ${timings.join('\n  ')}`);
  }, 900_000);

});

describe('python template artifacts', () => {
  it('workflows pass actionlint and zizmor with zero findings, actions pinned by SHA', async () => {
    const dir = await generate();
    const workflowDir = join(dir, '.github', 'workflows');
    const workflows = (await readdir(workflowDir)).map((file) => join(workflowDir, file));
    expect(workflows.length).toBeGreaterThan(0);
    const lint = await actionlint(workflows, { cwd: dir });
    expect(lint, formatFindings(lint)).toEqual([]);
    const audit = await zizmor(workflows);
    expect(audit, formatFindings(audit)).toEqual([]);
    for (const file of workflows) {
      for (const line of (await readFile(file, 'utf8')).split('\n').filter((l) => /^\s*(- )?uses:/.test(l))) {
        expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
  }, 60_000);

  it('the Dockerfile passes hadolint, pins its base by digest and runs as non-root', async () => {
    const dir = await generate();
    const findings = await hadolint(join(dir, 'Dockerfile'));
    expect(findings, formatFindings(findings)).toEqual([]);
    const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8');
    const froms = dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThan(1);
    for (const from of froms) expect(from).toMatch(/^FROM (base|build|[\w.-]+:[\w.-]+@sha256:[0-9a-f]{64}) AS \w+$/);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    // The build context is an allow-list: no virtualenv, caches or .env files get in.
    const dockerignore = await readFile(join(dir, '.dockerignore'), 'utf8');
    expect(dockerignore.split('\n')).toContain('*');
  }, 60_000);

  it.each(['dev', 'staging', 'prod'])('overlay %s builds and validates strictly', async (overlay) => {
    const dir = await generate();
    const built = await kustomizeBuild(join(dir, 'deploy', 'overlays', overlay));
    const findings = await kubeconform(built);
    expect(findings, formatFindings(findings)).toEqual([]);
    const objects = parseAllDocuments(built).map((d) => d.toJS() as { kind: string; metadata: { namespace?: string } });
    expect(objects.map((o) => o.kind)).toContain('Deployment');
    for (const object of objects) expect(object.metadata.namespace).toBe(`checkout-${overlay}`);
  }, 60_000);
});
