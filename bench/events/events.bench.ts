/**
 * The events feature's outbox against publishing straight from the request handler, per
 * template, in the same run against the same PostgreSQL and RabbitMQ: throughput ratio
 * (outbox / direct) and end-to-end p99 of each. Each generated service carries the hook (a
 * test skipped unless EVENTS_BENCH names a number of events) that pushes the events through
 * its own code with 16 in flight and prints one `EVENTS_BENCH {json}` line per path; this
 * file generates the services, prepares their toolchains, runs the hook in rounds and prints
 * the table. Method and results: README.md beside it.
 *
 *   npx vitest run --config bench/events/vitest.config.ts
 *   BENCH_TEMPLATES=go,typescript BENCH_EVENTS=5000 BENCH_ROUNDS=5 npx vitest run --config bench/events/vitest.config.ts
 */
import { envWithServiceNode } from '@paved/testkit';
import { expect, it } from 'vitest';
import { generateService, runCommand, startDataServers } from '../../cli/test/templates/harness.js';

interface Result {
  path: 'outbox' | 'direct';
  events: number;
  seconds: number;
  perSecond: number;
  p99Ms: number;
}

interface Toolchain {
  /** Installs what the hook needs, as the service's README says (once per service). */
  prepare(dir: string): Promise<void>;
  /** The command that runs the hook; EVENTS_BENCH, DATABASE_URL and AMQP_URL are set for it. */
  hook: { command: string; args: string[]; env?: () => NodeJS.ProcessEnv };
}

async function must(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const result = await runCommand(command, args, { cwd, env, timeoutMs: 1_200_000 });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.output}`);
  return result.output;
}

const TOOLCHAINS: Record<string, Toolchain> = {
  typescript: {
    prepare: async (dir) => void (await must('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir, envWithServiceNode())),
    hook: { command: 'npx', args: ['vitest', 'run', 'test/bench.test.ts'], env: envWithServiceNode },
  },
  python: {
    prepare: async (dir) => {
      await must('python3', ['-m', 'venv', '.venv'], dir);
      await must('.venv/bin/python', ['-m', 'pip', 'install', '--quiet', '--require-hashes', '-r', 'requirements-dev.lock'], dir);
    },
    hook: { command: '.venv/bin/python', args: ['-m', 'pytest', '-p', 'no:cacheprovider', '-s', 'tests/test_bench.py'] },
  },
  java: {
    prepare: async (dir) => void (await must('mvn', ['-B', '-ntp', '-q', 'test-compile', '-Dcheckstyle.skip'], dir)),
    // The class is named so that mvn verify leaves it out; Surefire's redirection off so its lines reach stdout.
    hook: { command: 'mvn', args: ['-B', '-ntp', '-q', 'test', '-Dcheckstyle.skip', '-Dtest=EventsBench', '-Dmaven.test.redirectTestOutputToFile=false'] },
  },
  go: {
    prepare: async (dir) => void (await must('go', ['mod', 'download'], dir)),
    hook: { command: 'go', args: ['test', '-count=1', '-run', '^TestEventsBench$', '-v', './internal/service/'] },
  },
};

const wanted = (process.env['BENCH_TEMPLATES'] ?? Object.keys(TOOLCHAINS).join(',')).split(',');
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 5000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const rows: string[] = [];

it.each(wanted)('%s: outbox against direct publishing', async (template) => {
  const toolchain = TOOLCHAINS[template];
  if (toolchain === undefined) throw new Error(`no events bench hook known for ${template}; known: ${Object.keys(TOOLCHAINS).join(', ')}`);
  const dir = await generateService({ template, name: 'orders', team: 'bench', features: ['postgres', 'events'] });
  const servers = await startDataServers(['postgres', 'events']);
  try {
    await toolchain.prepare(dir);
    const rounds: { outbox: Result; direct: Result }[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const env = { ...(toolchain.hook.env?.() ?? process.env), ...servers.env, EVENTS_BENCH: String(EVENTS) };
      const output = await must(toolchain.hook.command, toolchain.hook.args, dir, env);
      // eslint-disable-next-line no-control-regex -- Maven colours its output even with -B
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
      const results = [...plain.matchAll(/EVENTS_BENCH (\{[^}]*\})/g)].map((m) => JSON.parse(m[1] ?? '{}') as Result);
      const outbox = results.find((r) => r.path === 'outbox');
      const direct = results.find((r) => r.path === 'direct');
      if (outbox === undefined || direct === undefined) throw new Error(`the hook printed no EVENTS_BENCH lines:\n${output}`);
      rounds.push({ outbox, direct });
    }
    const ratios = rounds.map((r) => r.outbox.perSecond / r.direct.perSecond);
    const row = [
      template,
      String(EVENTS),
      String(ROUNDS),
      median(rounds.map((r) => r.outbox.perSecond)).toFixed(0),
      median(rounds.map((r) => r.direct.perSecond)).toFixed(0),
      `**${median(ratios).toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      median(rounds.map((r) => r.outbox.p99Ms)).toFixed(0),
      median(rounds.map((r) => r.direct.p99Ms)).toFixed(0),
    ];
    rows.push(`| ${row.join(' | ')} |`);
    console.log(
      [
        '| template | events | rounds | outbox events/s | direct events/s | ratio, median (range) | outbox p99 ms | direct p99 ms |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
      ].join('\n'),
    );
    expect(rounds.length).toBe(ROUNDS);
  } finally {
    await servers.stop();
  }
});
