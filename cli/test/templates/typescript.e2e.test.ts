/**
 * The typescript golden path, end to end: generate with the real CLI, install with the
 * service's own Node (26 LTS), run its lint, typecheck, tests and build, then start the
 * built service and hold it to the language-neutral contract (conformance.ts).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { envWithServiceNode, serviceNode } from '@paved/testkit';
import { checkConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import type { RunningService } from './conformance.js';
import { checkDataFeatures } from './data-conformance.js';
import { featuredCombinations } from './feature-matrix.js';
import { freePort, generateService, runCommand, startDataServers, startProcess } from './harness.js';
import { spawn } from 'node:child_process';

const timings: string[] = [];

async function npm(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runCommand('npm', args, { cwd: dir, env });
  timings.push(`npm ${args.join(' ')}: ${result.ms} ms`);
  expect(result.code, `npm ${args.join(' ')} failed in ${dir}:\n${result.output}`).toBe(0);
}

/** Install and run every check the generated service's CI runs. */
async function verify(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  // --prefer-offline: reuse the local npm cache; the lock file pins every version anyway.
  await npm(dir, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], env);
  for (const script of ['lint', 'typecheck', 'test', 'build']) await npm(dir, ['run', script], env);
}

describe('typescript template', () => {
  it('generates a service that passes its own checks and the runtime contract', async () => {
    const dir = await generateService({ template: 'typescript', name: 'orders', team: 'checkout' });
    const env = envWithServiceNode();
    await verify(dir, env);

    const node = serviceNode().node;
    expect(serviceNode().version).toMatch(/^v26\./);
    await checkRejectsBadConfig((extra) =>
      spawn(node, ['dist/main.js'], { cwd: dir, env: { ...env, HOST: '127.0.0.1', ...extra }, stdio: ['ignore', 'pipe', 'pipe'] }),
    );

    const port = await freePort();
    const service = startProcess(node, ['dist/main.js'], {
      cwd: dir,
      port,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    });
    try {
      await waitUntilHealthy(service);
      await checkConformance(service);
      await checkGracefulShutdown(service);
    } finally {
      service.process.kill('SIGKILL');
    }
    console.log(`typescript e2e timings (Node ${serviceNode().version}):\n  ${timings.join('\n  ')}`);
  }, 420_000);
});

// Every valid combination of the template's features (feature-matrix.ts): the service's own
// checks against real servers, then the language-neutral runtime contracts.
describe.each(await featuredCombinations('typescript'))('typescript template %s', (_label, features) => {
  it('passes its own checks against real servers and holds the runtime and data contracts', async () => {
    const dir = await generateService({ template: 'typescript', name: 'orders', team: 'checkout', features: [...features] });
    const servers = await startDataServers(features);
    const started: RunningService[] = [];
    onTestFinished(async () => {
      for (const s of started) s.process.kill('SIGKILL');
      await servers.stop();
    });
    const env: NodeJS.ProcessEnv = { ...envWithServiceNode(), ...servers.env };
    await verify(dir, env);
    const start = async (): Promise<RunningService> => {
      const port = await freePort();
      const service = startProcess(serviceNode().node, ['dist/main.js'], { cwd: dir, port, env: { ...env, PORT: String(port), HOST: '127.0.0.1' } });
      started.push(service);
      await waitUntilHealthy(service, 60_000);
      return service;
    };
    await checkDataFeatures({ name: 'orders', team: 'checkout', features, servers, start });
  }, 600_000);
});
