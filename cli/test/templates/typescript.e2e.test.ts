/**
 * The typescript golden path, end to end: generate with the real CLI, install with the
 * service's own Node (26 LTS), run its lint, typecheck, tests and build, then start the
 * built service and hold it to the language-neutral contract (conformance.ts).
 */
import { describe, expect, it } from 'vitest';
import { envWithServiceNode, serviceNode } from '@paved/testkit';
import { checkConformance, checkDataConformance, checkGracefulShutdown, checkRejectsBadConfig, waitUntilHealthy } from './conformance.js';
import type { RunningService } from './conformance.js';
import { freePort, generateService, runCommand, startPostgres, startProcess, startRabbitMQ } from './harness.js';
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

  for (const features of [['postgres'], ['postgres', 'events']]) {
    it(`with ${features.join(' and ')}: the service's own tests pass against a real PostgreSQL${features.includes('events') ? ' and RabbitMQ' : ''}, and the started service keeps the data contract`, async () => {
      const started = Date.now();
      timings.length = 0;
      const name = features.includes('events') ? 'stock' : 'ledger';
      const team = 'checkout';
      const dir = await generateService({ template: 'typescript', name, team, features });
      const postgres = await startPostgres();
      const rabbitmq = features.includes('events') ? await startRabbitMQ() : undefined;
      let current: RunningService | undefined;
      try {
        const env: NodeJS.ProcessEnv = {
          ...envWithServiceNode(),
          DATABASE_URL: postgres.url,
          ...(rabbitmq ? { AMQP_URL: rabbitmq.url } : {}),
        };
        await verify(dir, env);

        const port = await freePort();
        const start = async (): Promise<RunningService> => {
          current = startProcess(serviceNode().node, ['dist/main.js'], {
            cwd: dir,
            port,
            env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
          });
          await waitUntilHealthy(current, 60_000);
          return current;
        };
        // The broker connects in the background once the service listens: ready a moment later.
        const ready = async (service: RunningService): Promise<RunningService> => {
          const deadline = Date.now() + 30_000;
          while ((await fetch(`http://127.0.0.1:${service.port}/readyz`)).status !== 200) {
            if (Date.now() > deadline) throw new Error(`/readyz did not turn 200 within 30 s:\n${service.stdout()}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          return service;
        };
        // The general contract holds with the features on, and SIGTERM stops the relay and the
        // consumer too once the HTTP server has drained.
        const first = await ready(await start());
        await checkConformance(first);
        await checkGracefulShutdown(first);
        await checkDataConformance(await start(), { name, team, features, postgres, rabbitmq, restart: start });
      } finally {
        current?.process.kill('SIGKILL');
        await rabbitmq?.stop();
        await postgres.stop();
      }
      timings.push(`${features.join('+')}: ${Date.now() - started} ms in all`);
      console.log(`typescript e2e timings, ${features.join('+')}:\n  ${timings.join('\n  ')}`);
    }, 600_000);
  }
});
