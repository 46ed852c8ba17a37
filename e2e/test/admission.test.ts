// What a team meets when it creates pods in its own namespace on a real API server: Pod Security
// "restricted" refuses what it must, the LimitRange gives containers the model's defaults, and the
// ResourceQuota (once the quota controller has recorded its hard limits) refuses a pod that would
// go over it while counting the pods it lets in.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil, type KubeClient, type KubeObject, type Reply } from '@paved/testkit';
import { limitRange, resourceQuota } from '../../platform/src/model/objects.js';
import { admin, installPrerequisites, teamMember } from './support/cluster.js';
import { EXAMPLES, applyPlatform, exampleConfig, renderPlatform } from './support/platform.js';
import { IMAGE, compliantPodSpec, pod, type Resources } from './support/pods.js';

const client = admin();
const NAMESPACE = 'payments-dev';
const payments = client.as(teamMember('oidc:acme:payments'));

/** Names of pods the tests made (or tried to make): removed after each test, whatever happened. */
const created = new Set<string>();

interface Pod extends KubeObject {
  spec: { containers: { name: string; resources?: Resources; [key: string]: unknown }[]; [key: string]: unknown };
}
interface Quota {
  spec: { hard: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/** A pod Pod Security "restricted" admits, remembered for removal after the test. */
function compliantPod(name: string, resources?: Resources): Pod {
  created.add(name);
  return pod(name, NAMESPACE, compliantPodSpec(resources)) as Pod;
}

const create = (as: KubeClient, object: KubeObject): Promise<Reply<Pod>> => as.create<Pod>(object);

async function quota(): Promise<Quota> {
  const reply = await client.get<Quota>('v1', 'ResourceQuota', 'team-quota', NAMESPACE);
  if (!reply.ok) throw new Error(`reading team-quota failed (${reply.status}): ${reply.message}`);
  return reply.body;
}

/** CPU in millicores, for the quantities these tests use ("0", "250m", "3"). */
const millicores = (quantity: string | undefined): number =>
  quantity === undefined ? NaN : quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;

async function deletePod(name: string): Promise<void> {
  const reply = await client.delete('v1', 'Pod', name, NAMESPACE);
  if (!reply.ok && reply.status !== 404) throw new Error(`deleting pod ${name} failed (${reply.status}): ${reply.message}`);
  // Pods that never reached a node go at once; wait so the next test starts from an empty namespace.
  await waitUntil(`pod ${name} to be deleted`, async () => (await client.get('v1', 'Pod', name, NAMESPACE)).status === 404);
}

beforeAll(async () => {
  await installPrerequisites(client);
  await applyPlatform(client, await renderPlatform(EXAMPLES));
}, 60_000);

afterEach(async () => {
  for (const name of created) await deletePod(name);
  created.clear();
});

afterAll(async () => {
  for (const name of created) await deletePod(name);
});

describe(`Pod Security "restricted" in ${NAMESPACE}, as a payments team member`, () => {
  const violatesRestricted = 'violates PodSecurity "restricted:latest"';

  it('refuses a privileged pod', async () => {
    const pod = compliantPod('admission-privileged');
    pod.spec.containers[0] = { name: 'app', image: IMAGE, securityContext: { privileged: true, capabilities: { drop: ['ALL'] } } };
    const reply = await create(payments, pod);
    expect(reply.status, reply.message).toBe(403);
    expect(reply.message).toContain(violatesRestricted);
    expect(reply.message).toContain('privileged (container "app" must not set securityContext.privileged=true)');
  });

  it('refuses a pod running as root (runAsUser 0, no runAsNonRoot)', async () => {
    const pod = compliantPod('admission-root');
    pod.spec.securityContext = { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };
    const reply = await create(payments, pod);
    expect(reply.status, reply.message).toBe(403);
    expect(reply.message).toContain(violatesRestricted);
    expect(reply.message).toContain('runAsNonRoot != true');
    expect(reply.message).toContain('runAsUser=0');
  });

  it('refuses a pod with a hostPath volume', async () => {
    const pod = compliantPod('admission-hostpath');
    pod.spec.volumes = [{ name: 'host', hostPath: { path: '/etc' } }];
    pod.spec.containers[0] = { ...pod.spec.containers[0]!, volumeMounts: [{ name: 'host', mountPath: '/host' }] };
    const reply = await create(payments, pod);
    expect(reply.status, reply.message).toBe(403);
    expect(reply.message).toContain(violatesRestricted);
    expect(reply.message).toContain('restricted volume types (volume "host" uses restricted volume type "hostPath")');
  });
});

describe(`LimitRange team-defaults in ${NAMESPACE}`, () => {
  it("gives a compliant pod without resources the model's default requests and limits", async () => {
    const config = await exampleConfig();
    const team = config.teams.find((t) => t.id === 'payments');
    const env = config.platform.environments.find((e) => e.name === 'dev');
    if (!team || !env) throw new Error('the example config has no payments team in dev');
    const modelItem = limitRange(team, env).spec?.limits[0];
    const expected = { requests: modelItem?.defaultRequest, limits: modelItem?.default };
    expect(expected.requests).toBeDefined();
    expect(expected.limits).toBeDefined();

    // The server holds the model's LimitRange.
    const held = await client.get<{ spec: { limits: { type: string; default?: unknown; defaultRequest?: unknown }[] } }>(
      'v1',
      'LimitRange',
      'team-defaults',
      NAMESPACE,
    );
    expect(held.status, held.message).toBe(200);
    const heldItem = held.body.spec.limits.find((item) => item.type === 'Container');
    expect({ requests: heldItem?.defaultRequest, limits: heldItem?.default }).toEqual(expected);

    const reply = await create(payments, compliantPod('admission-defaults'));
    expect(reply.status, reply.message).toBe(201);
    const back = await payments.get<Pod>('v1', 'Pod', 'admission-defaults', NAMESPACE);
    expect(back.status, back.message).toBe(200);
    expect(back.body.spec.containers[0]?.resources).toEqual(expected);
  });
});

describe(`ResourceQuota team-quota in ${NAMESPACE}`, () => {
  /** Quota admission enforces status.hard, which the quota controller fills in: until then it lets everything in. */
  beforeAll(async () => {
    const config = await exampleConfig();
    const team = config.teams.find((t) => t.id === 'payments');
    const env = config.platform.environments.find((e) => e.name === 'dev');
    if (!team || !env) throw new Error('the example config has no payments team in dev');
    const modelHard = resourceQuota(team, env).spec?.hard;
    expect((await quota()).spec.hard).toEqual(modelHard);
    await waitUntil(
      'the quota controller to record team-quota status.hard',
      async () => JSON.stringify((await quota()).status?.hard) === JSON.stringify(modelHard),
      30_000,
    );
  }, 40_000);

  it('refuses a pod whose requests exceed the quota', async () => {
    const { hard } = (await quota()).spec;
    expect(millicores(hard['requests.cpu'])).toBe(4000);
    const reply = await create(
      payments,
      compliantPod('admission-over-quota', { requests: { cpu: '5', memory: '256Mi' }, limits: { cpu: '5', memory: '256Mi' } }),
    );
    expect(reply.status, reply.message).toBe(403);
    expect(reply.message).toContain('exceeded quota: team-quota');
    expect(reply.message).toContain('requested: requests.cpu=5');
    expect(reply.message).toContain('limited: requests.cpu=4');
  });

  it('counts what it admits: a pod within the quota is accepted, and a second one that would go over it is refused', async () => {
    // Pods of earlier tests are gone; wait until the quota controller has stopped counting them.
    await waitUntil('team-quota to record no CPU requests in use', async () => millicores((await quota()).status?.used?.['requests.cpu']) === 0, 20_000);
    const within = await create(
      payments,
      compliantPod('admission-within-quota', { requests: { cpu: '3', memory: '1Gi' }, limits: { cpu: '3', memory: '1Gi' } }),
    );
    expect(within.status, within.message).toBe(201);
    // Quota admission records the usage as it admits the pod.
    expect(millicores((await quota()).status?.used?.['requests.cpu'])).toBe(3000);
    const second = await create(payments, compliantPod('admission-second-pod', { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } }));
    expect(second.status, second.message).toBe(403);
    expect(second.message).toContain('exceeded quota: team-quota, requested: requests.cpu=2, used: requests.cpu=3, limited: requests.cpu=4');
  }, 30_000);
});
