// `paved platform <render|check|stacks>`: a thin front over load → model →
// guardrails → render. No Pulumi here, so the commands start fast.

import { parseArgs } from 'node:util';
import { loadConfig, formatIssue } from './config/load.js';
import { buildModel, allObjects, stacks, type DesiredState } from './model/model.js';
import { allStacks } from './model/stacks.js';
import { touchedStacks } from './changes.js';
import type { Config } from './config/types.js';
import { checkGuardrails, formatViolation } from './guardrails.js';
import { validateSchemas } from './schemas.js';
import { renderFiles, writeRender, RenderError } from './render.js';

const USAGE = `Usage: paved platform <command> [options]

Commands:
  check  --config <dir>               validate platform.yaml and teams/*.yaml, run the guardrails
  render --config <dir> --out <dir>   write the desired objects as YAML (one folder per team and environment)
  stacks --config <dir> [--json | --github-matrix] [--changed-from <dir>]
                                      list every Pulumi stack, in rollout order, and the teams each
                                      provisions; with --changed-from, only the stacks whose program
                                      differs from that (base) config's; --github-matrix prints them
                                      as the platform workflow's job matrices (previews=, rollouts=)

The config directory holds platform.yaml and teams/<team>.yaml.

Examples:
  paved platform check  --config platform
  paved platform render --config platform --out rendered
  paved platform stacks --config platform --changed-from ../base/platform --json

Exit codes: 0 success; 2 invalid usage or input (an invalid config, a guardrail violation, an
--out folder holding files render did not write), each problem with its file:line; 1 anything else.`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

/**
 * Load, model and (unless told not to) run the guardrails and schemas; prints problems and
 * returns undefined when there are any. `stacks` only needs a loadable config: in the pull
 * request workflow it runs beside `check`, which does the rest.
 */
async function modelFrom(configDir: string, io: Io, options: { guardrails: boolean }): Promise<{ config: Config; state: DesiredState } | undefined> {
  const loaded = await loadConfig(configDir);
  if (!loaded.ok) {
    for (const issue of loaded.issues) io.err(formatIssue(issue));
    io.err(`${loaded.issues.length} problem(s) in ${configDir}; fix them and run the command again`);
    return undefined;
  }
  const state = buildModel(loaded.config);
  if (!options.guardrails) return { config: loaded.config, state };
  const objects = allObjects(state);
  const problems = [...checkGuardrails(objects).map(formatViolation), ...validateSchemas(objects).map((error) => `[schema] ${error.object}: ${error.message}`)];
  if (problems.length > 0) {
    for (const problem of problems) io.err(problem);
    io.err(`${problems.length} guardrail or schema violation(s) in the desired objects`);
    return undefined;
  }
  return { config: loaded.config, state };
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

export async function run(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  let values: { config?: string; out?: string; json?: boolean; 'github-matrix'?: boolean; 'changed-from'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        config: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        'github-matrix': { type: 'boolean' },
        'changed-from': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!['check', 'render', 'stacks'].includes(command)) {
    io.err(`unknown command "${command}"; use check, render or stacks\n\n${USAGE}`);
    return 2;
  }
  if (!values.config) {
    io.err(`--config <dir> is required: the directory with platform.yaml and teams/\n\n${USAGE}`);
    return 2;
  }
  if (command === 'render' && !values.out) {
    io.err(`--out <dir> is required for render\n\n${USAGE}`);
    return 2;
  }
  if (command !== 'render' && values.out) {
    io.err(`--out is only used by render`);
    return 2;
  }
  const stacksOnly = (['json', 'github-matrix', 'changed-from'] as const).find((option) => values[option] !== undefined);
  if (command !== 'stacks' && stacksOnly) {
    io.err(`--${stacksOnly} is only used by stacks`);
    return 2;
  }
  if (values.json && values['github-matrix']) {
    io.err(`--json and --github-matrix are two formats of the same list; pass one`);
    return 2;
  }

  // Stacks a change touches; undefined means every stack. Only what changed is read, so the
  // pull request's stacks job (--github-matrix) needs nothing more.
  let touched: Set<string> | undefined;
  if (command === 'stacks' && values['changed-from'] !== undefined) {
    const result = await touchedStacks(values['changed-from'], values.config);
    if (result.ok && values['github-matrix']) {
      for (const line of githubMatrices(allStacks(result.platform.environments, result.platform.stackShards).filter((slot) => result.stacks.has(slot.stack))))
        io.out(line);
      return 0;
    }
    if (result.ok) touched = result.stacks;
    else if (result.base) io.err(`note: the base config in ${values['changed-from']} cannot be loaded (${result.problem}); listing every stack`);
    // A current config that cannot be loaded is reported by the load below.
  }

  const loaded = await modelFrom(values.config, io, { guardrails: command !== 'stacks' });
  // the config is input: what is wrong with it is a user's to fix, as with a flag
  if (!loaded) return 2;
  const { config, state } = loaded;

  if (command === 'check') {
    io.out(`ok: ${summary(state)}; all guardrails pass`);
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
    if (values.json) io.out(JSON.stringify(listed));
    else if (values['github-matrix']) for (const line of githubMatrices(listed)) io.out(line);
    else for (const slot of listed) io.out(`${slot.stack}\t${slot.teams.join(',')}`);
    return 0;
  }
  const files = renderFiles(state);
  try {
    await writeRender(files, values.out!);
  } catch (error) {
    if (error instanceof RenderError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
  io.out(`rendered ${files.size} file(s) to ${values.out}: ${summary(state)}`);
  return 0;
}
