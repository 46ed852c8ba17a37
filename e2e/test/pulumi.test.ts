// The platform program under a real Pulumi engine, on real API servers: every stack of the
// example previewed with the policy pack and brought up with exactly the commands the reusable
// platform workflow runs, compared object by object with `paved platform render`; a one-team
// change, a removed team, a program that drops a guardrail, and `destroy`.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pulumiEnv, type KubeClient, type KubeObject, type RunResult } from '@paved/testkit';
import { objectKey } from '../../platform/src/model/model.js';
import { platformObjectsInCluster } from './support/cluster.js';
import { EXAMPLES, RENDERED_KINDS, exampleConfig } from './support/platform.js';
import {
  afterInstall,
  asArgoCdFinalizes,
  differences,
  copyInstall,
  installPlatform,
  pulumi,
  renderedStacks,
  runStep,
  stacksStep,
  startClusters,
  workflowStep,
  type Clusters,
  type PlatformInstall,
  type RenderedStack,
  type WorkflowStep,
} from './support/pulumi.js';

const STEP_ENV = ['CONFIG_DIR', 'PULUMI_ACCESS_TOKEN', 'PULUMI_BACKEND_URL', 'PULUMI_CONFIG_PASSPHRASE', 'STACKS'];

let scratch: string;
let clusters: Clusters;
let install: PlatformInstall;
let configDir: string;
let env: NodeJS.ProcessEnv;
let contextOf: Map<string, string>;
let preview: WorkflowStep;
let up: WorkflowStep;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'paved-e2e-pulumi-'));
  const config = await exampleConfig();
  contextOf = new Map(config.platform.environments.map((environment) => [environment.name, environment.cluster.context]));
  clusters = await startClusters([...new Set(contextOf.values())], scratch);
  configDir = join(scratch, 'config');
  await cp(EXAMPLES, configDir, { recursive: true });
  install = await installPlatform(join(scratch, 'runner'));
  const backend = join(scratch, 'state');
  await mkdir(backend);
  env = pulumiEnv({ home: join(scratch, 'home'), backend, kubeconfig: clusters.kubeconfig });
  [preview, up] = await Promise.all([workflowStep('preview', 'pulumi preview'), workflowStep('up', 'pulumi up')]);
}, 180_000);

afterAll(async () => {
  await clusters?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const clientOf = (environment: string): KubeClient => clusters.clients.get(contextOf.get(environment)!)!;

function succeeded(result: RunResult, what: string): RunResult {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stdout.slice(-6000)}\n${result.stderr.slice(-3000)}`);
  return result;
}

/**
 * A pulumi step of the workflow for these stacks (its matrix entry), with the variables the
 * workflow and the runner give it, after the step that installs @paved/platform.
 */
const step = (workflowStep: WorkflowStep, stacks: string, on = install) =>
  runStep(workflowStep, { cwd: on.runnerTemp, env: { ...afterInstall(on, env), STACKS: stacks, CONFIG_DIR: configDir } });

/** What the environment's cluster holds of the platform's objects, by key. */
async function held(environment: string): Promise<Map<string, KubeObject>> {
  const objects = await platformObjectsInCluster(clientOf(environment), RENDERED_KINDS);
  return new Map(objects.map((object) => [objectKey(object), object]));
}

/** The cluster of `environment` holds exactly the rendered objects of these stacks, each with every field the render gives it. */
async function expectClusterHolds(environment: string, stacks: RenderedStack[]): Promise<void> {
  const desired = stacks.filter((stack) => stack.environment === environment).flatMap((stack) => stack.objects);
  const actual = await held(environment);
  expect([...actual.keys()].sort(), environment).toEqual(desired.map(objectKey).sort());
  for (const object of desired) expect(differences(object, actual.get(objectKey(object))), objectKey(object)).toEqual([]);
}

/** Pulumi resources of a stack: its objects, the stack itself, its provider, three components per team and the cluster's. */
const resourcesOf = (stack: RenderedStack): number => stack.objects.length + 2 + stack.teams.length * 3 + (stack.cluster ? 1 : 0);

describe('the platform program on a real Pulumi engine', () => {
  let stacks: RenderedStack[];

  it('the workflow steps the tests run take exactly the variables the tests give them', () => {
    expect(preview.envNames).toEqual(STEP_ENV);
    expect(up.envNames).toEqual(STEP_ENV);
    expect(preview.run).toContain('--policy-pack policy');
    expect(up.run).toContain('--expect-no-changes');
  });

  it('every stack: preview with the policy pack passes, up creates exactly the render, and a second preview shows no changes', async () => {
    stacks = await renderedStacks(configDir, scratch);
    expect(stacks.map((stack) => stack.stack)).toEqual(['dev-s0', 'dev-s1', 'staging-s0', 'staging-s1', 'prod-s0', 'prod-s1']);
    const done: RenderedStack[] = [];
    for (const stack of stacks) {
      const previewed = succeeded(await step(preview, stack.stack), `pulumi preview ${stack.stack}`);
      expect(previewed.stdout).toMatch(/Policy Packs run:\n.*\n\s+paved-platform-guardrails\|local\|policy\s+0\.1\.0\n/);
      expect(previewed.stdout).toMatch(new RegExp(`\\+ ${resourcesOf(stack)} to create`));
      const applied = succeeded(await step(up, stack.stack), `pulumi up ${stack.stack}`);
      expect(applied.stdout).toMatch(new RegExp(`\\+ ${resourcesOf(stack)} created`));
      done.push(stack);
      await expectClusterHolds(stack.environment, done);
    }
  }, 600_000);

  it("changing one team's file changes only that team's objects, in its stack only", async () => {
    const file = join(configDir, 'teams', 'payments.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('requests.cpu: "24"', 'requests.cpu: "20"'));
    const changed = await renderedStacks(configDir, scratch);
    // The stacks the workflow's stacks step selects for this change are the ones the engine finds changed.
    expect(await stacksStep({ scratch, configDir, baseDir: EXAMPLES, install })).toEqual({
      previews: ['prod-s0'],
      rollouts: [{ environment: 'prod', stacks: 'prod-s0' }],
    });
    for (const stack of changed) {
      const result = await pulumi(['preview', '--stack', stack.stack, '--non-interactive', '--expect-no-changes', '--json'], { cwd: install.packageDir, env });
      if (stack.stack !== 'prod-s0') {
        succeeded(result, `pulumi preview --expect-no-changes ${stack.stack}`);
        continue;
      }
      expect(result.code, 'prod-s0 shows the change').not.toBe(0);
      const steps = (JSON.parse(result.stdout) as { steps: { op: string; urn: string }[] }).steps.filter((s) => s.op !== 'same');
      expect(steps.map((s) => `${s.op} ${s.urn.split('::').pop()}`)).toEqual(['update payments-prod/team-quota']);
    }
    succeeded(await step(up, 'prod-s0'), 'pulumi up prod-s0');
    await expectClusterHolds('prod', changed);
    stacks = changed;
  }, 300_000);

  it('removing a team deletes its objects from the stacks that held it', async () => {
    await rm(join(configDir, 'teams', 'growth-lab.yaml'));
    const without = await renderedStacks(configDir, scratch);
    const holding = stacks.filter((stack) => stack.teams.includes('growth-lab'));
    expect(holding.map((stack) => stack.stack)).toEqual(['dev-s0', 'staging-s0']);
    // As the workflow rolls them out: one job per environment, its touched stacks one by one.
    const rollouts = (await stacksStep({ scratch, configDir, baseDir: EXAMPLES, install })).rollouts;
    expect(rollouts).toEqual([
      { environment: 'dev', stacks: 'dev-s0' },
      { environment: 'staging', stacks: 'staging-s0' },
      { environment: 'prod', stacks: 'prod-s0' },
    ]);
    await asArgoCdFinalizes(clusters.clients.values(), async () => {
      for (const rollout of rollouts) succeeded(await step(up, rollout.stacks), `pulumi up ${rollout.stacks}`);
    });
    for (const environment of ['dev', 'staging', 'prod']) await expectClusterHolds(environment, without);
    for (const environment of ['dev', 'staging']) expect((await clientOf(environment).get('v1', 'Namespace', `growth-lab-${environment}`)).status).toBe(404);
    stacks = without;
  }, 300_000);

  it('the policy pack refuses a program that drops a guardrail, naming the mandatory policy', async () => {
    const variant = await copyInstall(install, join(scratch, 'variant'));
    const program = join(variant.packageDir, 'dist', 'pulumi', 'program.js');
    const source = await readFile(program, 'utf8');
    expect(source).toContain('{ objects: unit.tenant }');
    await writeFile(program, source.replace('{ objects: unit.tenant }', "{ objects: unit.tenant.filter((object) => object.kind !== 'ResourceQuota') }"));
    const refused = await step(preview, 'dev-s0', variant);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(
      /paved-platform-guardrails@v0\.1\.0 \[mandatory\]\s+paved-namespace-has-quota\s+\(kubernetes:core\/v1:Namespace: payments-dev\)/,
    );
    expect(refused.stdout).toContain('Namespace/payments-dev: no ResourceQuota in the namespace sets requests.cpu');
  }, 120_000);

  it('destroy, stack by stack in reverse rollout order, leaves nothing of the platform', async () => {
    await asArgoCdFinalizes(clusters.clients.values(), async () => {
      for (const stack of [...stacks].reverse())
        succeeded(
          await pulumi(['destroy', '--stack', stack.stack, '--yes', '--non-interactive'], { cwd: install.packageDir, env }),
          `pulumi destroy ${stack.stack}`,
        );
    });
    for (const environment of ['dev', 'staging', 'prod']) expect([...(await held(environment)).keys()], environment).toEqual([]);
  }, 300_000);
});
