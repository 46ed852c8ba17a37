/**
 * Shared plumbing for the template end-to-end tests (any language): generate a service with
 * the real CLI and templates, run its toolchain, start it on a free loopback port, and start
 * a throw-away PostgreSQL when a feature needs one.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runCli, tempDir } from '../support.js';
import type { RunningService } from './conformance.js';

export const TEMPLATES_ROOT = fileURLToPath(new URL('../../../templates', import.meta.url));

export interface GenerateOptions {
  template: string;
  name: string;
  team: string;
  /** --set key=value pairs */
  set?: Record<string, string>;
  features?: string[];
}

/** Runs `create-service` (in-process, real templates) into a temp folder; returns the service dir. */
export async function generateService(options: GenerateOptions): Promise<string> {
  const parent = await tempDir(`paved-${options.template}-`);
  const argv = [
    options.name,
    '--template',
    options.template,
    '--team',
    options.team,
    '--yes',
    '--no-git',
    '--dir',
    parent,
    ...Object.entries(options.set ?? {}).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
    ...(options.features ?? []).flatMap((feature) => ['--with', feature]),
  ];
  const result = await runCli(argv, { cwd: parent, templates: TEMPLATES_ROOT });
  expect(result.code, `create-service failed:\n${result.stderr}`).toBe(0);
  return join(parent, options.name);
}

export interface CommandResult {
  code: number;
  output: string;
  ms: number;
}

/** Runs a command to completion; never throws on a non-zero exit (the caller asserts). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}`, ms: Date.now() - started });
      },
    );
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns a service process and collects its stdout for the conformance checks. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; port: number },
): RunningService & { stderr(): string } {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return { process: child, port: options.port, stdout: () => stdout, stderr: () => stderr };
}

export interface Postgres {
  url: string;
  stop(): Promise<void>;
}

function postgresBin(): string {
  const candidates = [
    ...(process.env['PATH'] ?? '').split(':'),
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort()
          .reverse()
          .map((version) => `/usr/lib/postgresql/${version}/bin`)
      : []),
  ];
  const dir = candidates.find((candidate) => candidate !== '' && existsSync(join(candidate, 'initdb')) && existsSync(join(candidate, 'pg_ctl')));
  if (dir === undefined) {
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found; install them with `apt-get install -y postgresql`');
  }
  return dir;
}

/**
 * A private PostgreSQL on 127.0.0.1 (trust auth, temp data dir), for feature tests that need
 * a real database. PostgreSQL refuses to run as root, so as root it runs as `nobody`.
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  const dataDir = await mkdtemp(join(tmpdir(), 'paved-pg-'));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await chmod(dataDir, 0o700);
    await chown(dataDir, 65534, 65534);
  }
  const run = async (args: string[]): Promise<void> => {
    const [command, fullArgs] = asRoot ? ['runuser', ['-u', 'nobody', '--', ...args]] : [args[0] ?? '', args.slice(1)];
    const result = await runCommand(command, fullArgs, { cwd: tmpdir(), timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(`${args.join(' ')} failed:\n${result.output}`);
  };
  await run([join(bin, 'initdb'), '-D', dataDir, '-U', 'app', '--auth=trust', '--no-sync']);
  await run([
    join(bin, 'pg_ctl'),
    '-D',
    dataDir,
    '-w',
    '-l',
    join(dataDir, 'server.log'),
    '-o',
    `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  return {
    url: `postgres://app@127.0.0.1:${port}/postgres`,
    async stop() {
      await run([join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RabbitMQ {
  /** amqp://guest:guest@127.0.0.1:<port> (RabbitMQ lets guest in from the loopback only). */
  url: string;
  port: number;
  /** Stops the broker and starts it again on the same port and data: durable queues survive. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** RabbitMQ's own start script (the one in /usr/sbin switches to the rabbitmq user first). */
const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/**
 * A private RabbitMQ on 127.0.0.1 (its own node name, ports, Erlang port mapper and data in a
 * temporary folder), for feature tests that need a real broker. Debian's package, installed by
 * .ci/run; the system's own broker, if any, is never touched.
 */
export async function startRabbitMQ(): Promise<RabbitMQ> {
  if (!existsSync(RABBITMQ_SERVER)) throw new Error('RabbitMQ is not installed; install it with `apt-get install -y rabbitmq-server`');
  const dir = await mkdtemp(join(tmpdir(), 'paved-rabbitmq-'));
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  await writeFile(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\n`);
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    HOME: dir, // the Erlang cookie
    RABBITMQ_NODENAME: `paved${port}@localhost`,
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
  };
  let broker: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const child = spawn(RABBITMQ_SERVER, [], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    broker = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`RabbitMQ did not start within 60 s:\n${output}`)), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        // printed once the listeners are open
        if (/Starting broker\.\.\. completed/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`RabbitMQ exited (${String(code)}) while starting:\n${output}`));
      });
    });
  };
  const stopBroker = async (): Promise<void> => {
    const child = broker;
    broker = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM'); // RabbitMQ shuts down cleanly on SIGTERM
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  await start();
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    port,
    async restart() {
      await stopBroker();
      await start();
    },
    async stop() {
      await stopBroker();
      // the Erlang port mapper this node started for itself
      await runCommand('epmd', ['-port', String(epmdPort), '-kill'], { cwd: dir, timeoutMs: 10_000 }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface DataServers {
  postgres: Postgres;
  /** Only when the features include events. */
  rabbitmq: RabbitMQ | undefined;
  /** What a service generated with the features needs to reach them (DATABASE_URL, AMQP_URL). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The real servers a feature combination needs: PostgreSQL for postgres, RabbitMQ too for events. */
export async function startDataServers(features: readonly string[]): Promise<DataServers> {
  const [postgres, rabbitmq] = await Promise.allSettled([startPostgres(), features.includes('events') ? startRabbitMQ() : undefined]);
  // One failing to start must not leave the other running.
  if (postgres.status === 'rejected' || rabbitmq.status === 'rejected') {
    await Promise.all([postgres.status === 'fulfilled' && postgres.value.stop(), rabbitmq.status === 'fulfilled' && rabbitmq.value?.stop()]);
    throw postgres.status === 'rejected' ? postgres.reason : (rabbitmq as PromiseRejectedResult).reason;
  }
  return dataServers(postgres.value, rabbitmq.value);
}

function dataServers(postgres: Postgres, rabbitmq: RabbitMQ | undefined): DataServers {
  return {
    postgres,
    rabbitmq,
    env: { DATABASE_URL: postgres.url, ...(rabbitmq ? { AMQP_URL: rabbitmq.url } : {}) },
    async stop() {
      await Promise.all([postgres.stop(), rabbitmq?.stop()]);
    },
  };
}
