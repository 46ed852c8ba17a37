// `paved platform <check|render|stacks>`: a thin front over load → model → guardrails →
// render, on the frame every Paved command shares (flags, one error format, one exit-code
// table). No Pulumi here, so the commands start fast.

import { helpText, parseFlags, processIo, reportError, unknownCommand, UsageError, type Io } from '@paved/frame';
import { loadConfig, formatIssue } from './config/load.js';
import { buildModel, allObjects, stacks, type DesiredState } from './model/model.js';
import { allStacks } from './model/stacks.js';
import { touchedStacks } from './changes.js';
import type { Config } from './config/types.js';
import { checkGuardrails, formatViolation } from './guardrails.js';
import { validateSchemas } from './schemas.js';
import { renderFiles, writeRender } from './render.js';

export type { Io } from '@paved/frame';

const CONFIG_OPTION = '      --config <dir>        the folder holding platform.yaml and teams/<team>.yaml';
const HELP_OPTION = '  -h, --help                show this help';
const CONFIG_INPUT = 'Invalid input (exit 2) includes an invalid config, each problem with its file:line:column.';

const USAGE = helpText({
  usage: 'paved platform <command> --config <dir> [options]',
  about: `Checks, renders and lists the platform a config describes: platform.yaml (clusters,
environments, guardrail defaults) and one teams/<team>.yaml per team.`,
  optionsHeading: 'Commands',
  options: `  check     validate the config and run the guardrails over every desired object
  render    write the desired objects as YAML, one folder per team and environment
  stacks    list the Pulumi stacks in rollout order (or those a change touches)

Run \`paved platform <command> --help\` for a command's options.`,
  examples: [
    'paved platform check --config platform',
    'paved platform render --config platform --out rendered',
    'paved platform stacks --config platform --changed-from ../base/platform --json',
  ],
});

const HELP: Record<Command, string> = {
  check: helpText({
    usage: 'paved platform check --config <dir>',
    about: `Validates platform.yaml and teams/*.yaml, builds every desired object (namespaces, quotas,
limit ranges, network policies, RBAC, Argo CD projects and applications) and runs the
guardrails and the Kubernetes schemas over them. Nothing is written.`,
    options: `${CONFIG_OPTION}\n${HELP_OPTION}`,
    examples: ['paved platform check --config platform'],
    footer: `${CONFIG_INPUT}\nA guardrail or schema violation in the desired objects is invalid input too.`,
  }),
  render: helpText({
    usage: 'paved platform render --config <dir> --out <dir>',
    about: `Checks the config as check does, then writes the desired objects as YAML into --out, one
folder per team and environment, with a marker file; render only ever replaces a folder it
wrote before.`,
    options: `${CONFIG_OPTION}
      --out <dir>           where to write (a new or empty folder, or an earlier render)
${HELP_OPTION}`,
    examples: ['paved platform render --config platform --out rendered'],
    footer: `${CONFIG_INPUT}\nAn --out folder holding files render did not write is invalid input too.`,
  }),
  stacks: helpText({
    usage: 'paved platform stacks --config <dir> [--json | --github-matrix] [--changed-from <dir>]',
    about: `Lists every Pulumi stack, in rollout order, with the teams each provisions. With
--changed-from, only the stacks whose program differs from that (base) config's.`,
    options: `${CONFIG_OPTION}
      --changed-from <dir>  the base config (e.g. the pull request's target branch checkout)
      --json                print the stacks as one JSON array
      --github-matrix       print the platform workflow's job matrices (previews=, rollouts=)
${HELP_OPTION}`,
    examples: [
      'paved platform stacks --config platform',
      'paved platform stacks --config platform --changed-from ../base/platform --github-matrix >> "$GITHUB_OUTPUT"',
    ],
    json: true,
    footer: CONFIG_INPUT,
  }),
};

type Command = 'check' | 'render' | 'stacks';
const COMMANDS: Command[] = ['check', 'render', 'stacks'];

const OPTIONS = {
  config: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'github-matrix': { type: 'boolean' },
  'changed-from': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Load, model and (unless told not to) run the guardrails and schemas; prints problems and
 * returns undefined when there are any. `stacks` only needs a loadable config: in the pull
 * request workflow it runs beside `check`, which does the rest. Problems are a UsageError.
 */
async function modelFrom(configDir: string, options: { guardrails: boolean }): Promise<{ config: Config; state: DesiredState }> {
  const loaded = await loadConfig(configDir);
  if (!loaded.ok) throw problems(`${loaded.issues.length} problem(s) in ${configDir}`, loaded.issues.map(formatIssue), 'fix them and run the command again');
  const state = buildModel(loaded.config);
  if (!options.guardrails) return { config: loaded.config, state };
  const objects = allObjects(state);
  const violations = [
    ...checkGuardrails(objects).map(formatViolation),
    ...validateSchemas(objects).map((error) => `[schema] ${error.object}: ${error.message}`),
  ];
  if (violations.length > 0)
    throw problems(
      `${violations.length} guardrail or schema violation(s) in the desired objects`,
      violations,
      'change the team or platform config so that every guardrail holds',
    );
  return { config: loaded.config, state };
}

/** Every problem on its own line under a count, as one error (the frame prints it). */
function problems(summary: string, lines: string[], hint: string): UsageError {
  return new UsageError(`${summary}:\n${lines.map((line) => `  ${line}`).join('\n')}`, hint);
}

/** Most preview jobs a pull request starts side by side (GitHub allows 256 per matrix). */
const PREVIEW_BATCHES = 64;

/**
 * The platform workflow's matrices, as lines for $GITHUB_OUTPUT: `previews`, the stacks spread
 * over at most PREVIEW_BATCHES batches (space-separated names) that run side by side, so a
 * one-team change waits for one stack's preview; `rollouts`, one entry per environment in
 * rollout order with its stacks, which `up` runs one by one in that environment's job.
 */
function githubMatrices(stacks: ReadonlyArray<{ stack: string; environment: string }>): string[] {
  const batches: string[][] = Array.from({ length: Math.min(PREVIEW_BATCHES, stacks.length) }, () => []);
  stacks.forEach((slot, i) => batches[i % batches.length]!.push(slot.stack));
  const rollouts: { environment: string; stacks: string[] }[] = [];
  for (const slot of stacks) {
    const last = rollouts.at(-1);
    if (last?.environment === slot.environment) last.stacks.push(slot.stack);
    else rollouts.push({ environment: slot.environment, stacks: [slot.stack] });
  }
  return [
    `previews=${JSON.stringify(batches.map((batch) => batch.join(' ')))}`,
    `rollouts=${JSON.stringify(rollouts.map((rollout) => ({ environment: rollout.environment, stacks: rollout.stacks.join(' ') })))}`,
  ];
}

function summary(state: DesiredState): string {
  const teams = new Set(state.units.map((unit) => unit.team)).size;
  return `${teams} team(s), ${state.units.length} team environment(s), ${allObjects(state).length} object(s), ${stacks(state).size} stack(s)`;
}

/** Runs `check|render|stacks ...`; returns the exit code (0 done, 2 invalid usage or input, 1 anything else). */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const name = `paved platform${COMMANDS.includes(command as Command) ? ` ${command}` : ''}`;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (!COMMANDS.includes(command as Command)) throw unknownCommand(command, COMMANDS, 'paved platform', 'use check, render or stacks');
    return await runCommand(command as Command, rest, io, out);
  } catch (error) {
    return reportError(error, io, name, rest.includes('--json'));
  }
}

async function runCommand(command: Command, args: string[], io: Io, out: (line: string) => void): Promise<number> {
  // the commands take no positional arguments: everything is a flag
  const { values } = parseFlags(args, OPTIONS, `paved platform ${command}`, 0);
  if (values.help) {
    io.stdout.write(HELP[command]);
    return 0;
  }
  const hint = `run \`paved platform ${command} --help\` for the options`;
  if (!values.config) throw new UsageError('--config <dir> is required: the folder with platform.yaml and teams/', hint);
  if (command === 'render' && !values.out) throw new UsageError('--out <dir> is required for render', hint);
  if (command !== 'render' && values.out) throw new UsageError(`--out is only used by render`, hint);
  const stacksOnly = (['json', 'github-matrix', 'changed-from'] as const).find((option) => values[option] !== undefined);
  if (command !== 'stacks' && stacksOnly) throw new UsageError(`--${stacksOnly} is only used by stacks`, hint);
  if (values.json && values['github-matrix']) throw new UsageError(`--json and --github-matrix are two formats of the same list; pass one`, hint);

  // Stacks a change touches; undefined means every stack. Only what changed is read, so the
  // pull request's stacks job (--github-matrix) needs nothing more.
  let touched: Set<string> | undefined;
  if (command === 'stacks' && values['changed-from'] !== undefined) {
    const result = await touchedStacks(values['changed-from'], values.config);
    if (result.ok && values['github-matrix']) {
      for (const line of githubMatrices(allStacks(result.platform.environments, result.platform.stackShards).filter((slot) => result.stacks.has(slot.stack))))
        out(line);
      return 0;
    }
    if (result.ok) touched = result.stacks;
    else if (result.base) io.stderr.write(`note: the base config in ${values['changed-from']} cannot be loaded (${result.problem}); listing every stack\n`);
    // A current config that cannot be loaded is reported by the load below.
  }

  const { config, state } = await modelFrom(values.config, { guardrails: command !== 'stacks' });

  if (command === 'check') {
    out(`ok: ${summary(state)}; all guardrails pass`);
    return 0;
  }
  if (command === 'stacks') {
    const teams = stacks(state);
    const clusterStacks = new Set(state.clusters.map((cluster) => cluster.stack));
    const listed = allStacks(config.platform.environments, config.platform.stackShards)
      .filter((slot) => touched?.has(slot.stack) ?? true)
      .map((slot) => ({
        ...slot,
        teams: (teams.get(slot.stack) ?? []).map((unit) => unit.team),
        // The stack that also provisions its cluster's guardrails (the admission policy).
        cluster: clusterStacks.has(slot.stack),
      }));
    if (values.json) out(JSON.stringify(listed));
    else if (values['github-matrix']) for (const line of githubMatrices(listed)) out(line);
    else for (const slot of listed) out(`${slot.stack}\t${slot.teams.join(',')}`);
    return 0;
  }
  const files = renderFiles(state);
  await writeRender(files, values.out!);
  out(`rendered ${files.size} file(s) to ${values.out}: ${summary(state)}`);
  return 0;
}
