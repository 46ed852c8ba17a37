// `paved platform render` output on a real kube-apiserver: every object accepted with strict
// field validation, applying again changes nothing, and a removed team leaves nothing behind.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '@paved/testkit';
import { syntheticConfig } from '@paved/testkit/platform';
import { objectKey } from '../../platform/src/model/model.js';
import { admin, installPrerequisites, platformObjectsInCluster } from './support/cluster.js';
import { EXAMPLES, PLATFORM_MANAGER, RENDERED_KINDS, applyPlatform, prunePlatform, renderPlatform } from './support/platform.js';

const client = admin();
const scratch: string[] = [];

beforeAll(() => installPrerequisites(client));
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function configCopy(files?: { path: string; text: string }[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'paved-e2e-config-'));
  scratch.push(dir);
  if (!files) await cp(EXAMPLES, dir, { recursive: true });
  else {
    await mkdir(join(dir, 'teams'));
    for (const file of files) await writeFile(join(dir, file.path), file.text);
  }
  return dir;
}

interface Stored {
  metadata: { resourceVersion: string; managedFields?: { manager: string; time?: string; fieldsV1?: unknown }[] };
}
/**
 * Each object's resourceVersion, which any write moves, and the platform's managed-fields entry.
 * A quota's resourceVersion also moves when the quota controller records usage, so for quotas
 * only the entry counts.
 */
const versions = async (objects: KubeObject[]) =>
  new Map(
    await Promise.all(
      objects.map(async (object) => {
        const reply = await client.get<Stored>(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
        const ours = reply.body.metadata.managedFields?.find((entry) => entry.manager === PLATFORM_MANAGER);
        const version = object.kind === 'ResourceQuota' ? '' : reply.body.metadata.resourceVersion;
        return [objectKey(object), `${version} ${JSON.stringify(ours)}`] as const;
      }),
    ),
  );

describe('the example platform on a real API server', () => {
  let rendered: KubeObject[];

  it('every rendered object is accepted, server-side and with strict field validation', async () => {
    rendered = await renderPlatform(EXAMPLES);
    expect(rendered.length).toBeGreaterThan(100);
    for (const object of rendered) {
      const reply = await client.apply(object, { fieldManager: PLATFORM_MANAGER, force: true });
      expect(reply.message, objectKey(object)).toBe('');
    }
    const held = await platformObjectsInCluster(client, RENDERED_KINDS);
    const ofExample = held.filter((object) => rendered.some((r) => objectKey(r) === objectKey(object)));
    expect(ofExample.map(objectKey).sort()).toEqual(rendered.map(objectKey).sort());
  });

  it('applying the same render again changes nothing', async () => {
    const before = await versions(rendered);
    await applyPlatform(client, rendered);
    expect(await versions(rendered)).toEqual(before);
  });

  it('removing a team and pruning leaves none of its objects', async () => {
    const dir = await configCopy();
    await rm(join(dir, 'teams', 'growth-lab.yaml'));
    const without = await renderPlatform(dir);
    await applyPlatform(client, without);
    const held = (await platformObjectsInCluster(client, RENDERED_KINDS)).map(objectKey);
    const pruned = await prunePlatform(client, without);
    // Exactly what the cluster held beyond the new render: the team's objects (and whatever
    // another test file left of its own platform, which this file does not assume away).
    const kept = new Set(without.map(objectKey));
    expect(pruned.map(objectKey).sort()).toEqual(held.filter((key) => !kept.has(key)).sort());
    const ofTeam = rendered.filter((object) => JSON.stringify(object).includes('growth-lab')).map(objectKey);
    expect(ofTeam).toHaveLength(2 * 12);
    expect(pruned.map(objectKey)).toEqual(expect.arrayContaining(ofTeam));
    const left = (await platformObjectsInCluster(client, RENDERED_KINDS)).filter((object) => JSON.stringify(object.metadata).includes('growth-lab'));
    expect(left.map(objectKey)).toEqual([]);
    for (const env of ['dev', 'staging']) expect((await client.get('v1', 'Namespace', `growth-lab-${env}`)).status).toBe(404);
    // Put it back for the other tests: the example platform is what they assume.
    await applyPlatform(client, rendered);
  });
});

describe('a larger synthetic platform', () => {
  it('12 teams × 4 services × 3 environments over 3 shards: every object accepted, a second apply changes nothing', async () => {
    const dir = await configCopy(syntheticConfig({ teams: 12, servicesPerTeam: 4, shards: 3 }));
    const objects = (await renderPlatform(dir)).filter((object) => !object.kind.startsWith('ValidatingAdmissionPolicy'));
    expect(objects.length).toBe(12 * 3 * (10 + 4));
    await applyPlatform(client, objects);
    const before = await versions(objects);
    await applyPlatform(client, objects);
    expect(await versions(objects)).toEqual(before);
    const pruned = await prunePlatform(client, await renderPlatform(EXAMPLES));
    expect(pruned.map(objectKey).sort()).toEqual(objects.map(objectKey).sort());
  });
});
