// The Pulumi half of the road: the real engine (the pulumi CLI, our Node.js language host and
// Pulumi's Kubernetes provider, built by scripts/install-tools.mjs), the platform program as the
// platform workflow runs it, and one control plane per cluster that platform.yaml names.
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run, startControlPlane, writeKubeconfig, KubeClient, type ControlPlane, type KubeObject, type RunResult } from '@paved/testkit';
import { installPrerequisites } from './cluster.js';
import { installPacked, packPublished } from './packages.js';
import { platformCommand, renderedObjects } from './platform.js';

const REPO = new URL('../../../', import.meta.url).pathname;
const PLATFORM_WORKFLOW = join(REPO, '.github', 'workflows', 'platform.yml');

export interface Clusters {
  /** A kubeconfig with one context per cluster, named as platform.yaml names them. */
  kubeconfig: string;
  clients: Map<string, KubeClient>;
  stop(): Promise<void>;
}

/**
 * Starts a control plane per kubeconfig context, each with what Argo CD's install leaves (its
 * CRDs and namespace) and the namespaces platform.yaml refers to, and writes a kubeconfig that
 * names them: environments on separate clusters, as in the example.
 */
export async function startClusters(contexts: string[], dir: string): Promise<Clusters> {
  const planes: ControlPlane[] = [];
  try {
    const started = await Promise.allSettled(contexts.map(() => startControlPlane()));
    for (const plane of started) if (plane.status === 'fulfilled') planes.push(plane.value);
    const failed = started.find((plane) => plane.status === 'rejected');
    if (failed) throw failed.reason; // the catch below stops the ones that did start
    const clients = new Map(contexts.map((context, i) => [context, new KubeClient(planes[i]!.connection)]));
    await Promise.all([...clients.values()].map((client) => installPrerequisites(client)));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeKubeconfig(
      kubeconfig,
      contexts.map((name, i) => ({ name, connection: planes[i]!.connection })),
    );
    return { kubeconfig, clients, stop: () => Promise.all(planes.map((plane) => plane.stop())).then(() => undefined) };
  } catch (error) {
    await Promise.all(planes.map((plane) => plane.stop()));
    throw error;
  }
}

/**
 * A runner's temp folder with @paved/platform installed as the workflow's install step leaves
 * it: the packed package, installed from its tarball into `$RUNNER_TEMP/paved` (support/packages.ts).
 */
export interface PlatformInstall {
  /** What the steps see as $RUNNER_TEMP. */
  runnerTemp: string;
  /** The installed package: Pulumi.yaml, the built program and the policy pack. */
  packageDir: string;
  /** The install's bins, which the install step adds to $GITHUB_PATH. */
  bin: string;
}

const installAt = (runnerTemp: string): PlatformInstall => ({
  runnerTemp,
  packageDir: join(runnerTemp, 'paved', 'node_modules', '@paved', 'platform'),
  bin: join(runnerTemp, 'paved', 'node_modules', '.bin'),
});

/** env as the runner gives it to the steps after the install step: RUNNER_TEMP, and the install's bins first on PATH. */
export const afterInstall = (install: PlatformInstall, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  RUNNER_TEMP: install.runnerTemp,
  PATH: `${install.bin}:${env.PATH ?? ''}`,
});

/** Packs @paved/platform (and @paved/naming and @paved/frame, which it depends on) and installs it as the workflow does, below runnerTemp. */
export async function installPlatform(runnerTemp: string): Promise<PlatformInstall> {
  const packed = await packPublished(join(runnerTemp, 'pack'), ['@paved/naming', '@paved/frame', '@paved/platform']);
  await installPacked(join(runnerTemp, 'paved'), packed);
  return installAt(runnerTemp);
}

/** A second runner with a copy of an install (so that a test can run a variant of the program). */
export async function copyInstall(from: PlatformInstall, runnerTemp: string): Promise<PlatformInstall> {
  await cp(join(from.runnerTemp, 'paved'), join(runnerTemp, 'paved'), { recursive: true, verbatimSymlinks: true });
  return installAt(runnerTemp);
}

export interface WorkflowStep {
  job: string;
  name: string;
  run: string;
  /** The names of the variables the step sets (their values are GitHub expressions). */
  envNames: string[];
}

/** A `run:` step of the reusable platform workflow, as written there. */
export async function workflowStep(job: string, name: string): Promise<WorkflowStep> {
  const workflow = parse(await readFile(PLATFORM_WORKFLOW, 'utf8')) as {
    jobs: Record<string, { steps: Array<{ name?: string; run?: string; env?: Record<string, string> }> }>;
  };
  const step = workflow.jobs[job]?.steps.find((candidate) => candidate.name === name);
  if (!step?.run) throw new Error(`platform.yml has no run step "${name}" in job "${job}"`);
  return { job, name, run: step.run, envNames: Object.keys(step.env ?? {}).sort() };
}

/** Runs a workflow step's script as GitHub's runner does for `shell: bash`, with the step's variables. */
export function runStep(step: WorkflowStep, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<RunResult> {
  return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], options);
}

/**
 * Runs the workflow's `paved platform stacks` step in the layout its job checks out (config/
 * and base/ side by side, Paved installed) and returns the matrices it writes to $GITHUB_OUTPUT.
 */
export async function stacksStep(options: {
  scratch: string;
  configDir: string;
  baseDir: string;
  install: PlatformInstall;
}): Promise<{ previews: string[]; rollouts: { environment: string; stacks: string }[] }> {
  const job = await mkdtemp(join(options.scratch, 'stacks-job-'));
  await cp(options.configDir, join(job, 'config', 'platform'), { recursive: true });
  await cp(options.baseDir, join(job, 'base', 'platform'), { recursive: true });
  const output = join(job, 'github-output');
  const step = await workflowStep('stacks', 'paved platform stacks');
  const result = await runStep(step, {
    cwd: join(job, 'config'),
    env: { ...afterInstall(options.install, process.env), CONFIG_DIR: 'platform', GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: join(job, 'summary') },
  });
  if (result.code !== 0) throw new Error(`the stacks step failed (${result.code}):\n${result.stderr}`);
  const values = Object.fromEntries(
    (await readFile(output, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), JSON.parse(line.slice(line.indexOf('=') + 1))]),
  );
  return { previews: values.previews, rollouts: values.rollouts };
}

/** Runs the pulumi CLI directly (for what the workflow never does, such as `destroy`). */
export const pulumi = (args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<RunResult> => run('pulumi', args, options);

export interface RenderedStack {
  stack: string;
  environment: string;
  teams: string[];
  /** Whether the stack also provisions its cluster's guardrails. */
  cluster: boolean;
  /** What `paved platform render` writes for the stack's teams (and cluster) in its environment. */
  objects: KubeObject[];
}

/** Every stack (`paved platform stacks --json`) with the objects `paved platform render` writes for it. */
export async function renderedStacks(configDir: string, scratch: string): Promise<RenderedStack[]> {
  const slots = JSON.parse((await platformCommand(['stacks', '--config', configDir, '--json'])).join('')) as Omit<RenderedStack, 'objects'>[];
  const out = join(scratch, `render-${Date.now()}`);
  await platformCommand(['render', '--config', configDir, '--out', out]);
  return Promise.all(
    slots.map(async (slot) => {
      const folders = [...slot.teams.map((team) => join(out, team, slot.environment)), ...(slot.cluster ? [join(out, '_cluster', slot.environment)] : [])];
      return { ...slot, objects: (await Promise.all(folders.map(renderedObjects))).flat() };
    }),
  );
}

interface ArgoObject {
  metadata: { name: string; namespace: string; deletionTimestamp?: string; finalizers?: string[] };
}

/**
 * Runs `work` while standing in for Argo CD's controller: Applications and AppProjects carry
 * Argo CD's resources finalizer, which the controller removes once it has deleted what they
 * deployed. No Argo CD controller runs here, so this removes the finalizer from those being
 * deleted, and Pulumi's delete of them can complete.
 */
export async function asArgoCdFinalizes<T>(clients: Iterable<KubeClient>, work: () => Promise<T>): Promise<T> {
  let running = true;
  const sweep = async (client: KubeClient) => {
    while (running) {
      for (const kind of ['Application', 'AppProject']) {
        const items = (await client.list('argoproj.io/v1alpha1', kind, { namespace: 'argocd' }).catch(() => [])) as unknown as ArgoObject[];
        for (const item of items)
          if (item.metadata.deletionTimestamp && item.metadata.finalizers?.length)
            await client.mergePatch('argoproj.io/v1alpha1', kind, item.metadata.name, item.metadata.namespace, { metadata: { finalizers: null } });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const sweepers = [...clients].map(sweep);
  try {
    return await work();
  } finally {
    running = false;
    await Promise.all(sweepers);
  }
}

/**
 * Fields of `desired` that `actual` lacks or holds with another value: the server adds
 * defaults and metadata, so what was asked for must be a subset of what it holds.
 */
export function differences(desired: unknown, actual: unknown, path = ''): string[] {
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) return [`${path}: want ${JSON.stringify(desired)}, server has ${JSON.stringify(actual)}`];
    return desired.flatMap((item, i) => differences(item, actual[i], `${path}[${i}]`));
  }
  if (desired !== null && typeof desired === 'object') {
    if (actual === null || typeof actual !== 'object') return [`${path}: want an object, server has ${JSON.stringify(actual)}`];
    return Object.entries(desired).flatMap(([key, value]) => differences(value, (actual as Record<string, unknown>)[key], `${path}.${key}`));
  }
  return desired === actual ? [] : [`${path}: want ${JSON.stringify(desired)}, server has ${JSON.stringify(actual)}`];
}
