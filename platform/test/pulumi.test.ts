import { beforeAll, describe, expect, it } from 'vitest';
import * as pulumi from '@pulumi/pulumi';
import { loadConfig, parseConfig } from '../src/config/load.js';
import type { Config } from '../src/config/types.js';
import { buildModel, allObjects, objectKey, stacks } from '../src/model/model.js';
import { parseStack, provision } from '../src/pulumi/program.js';
import { recordWithMocks, syntheticConfig, type Registration } from '@paved/testkit/platform';
import { EXAMPLES } from './helpers.js';

const PROJECT = 'paved-platform';
let config: Config;

beforeAll(async () => {
  const loaded = await loadConfig(EXAMPLES);
  if (!loaded.ok) throw new Error('example config is invalid');
  config = loaded.config;
});

const provisionStack = (stack: string, cfg: Config = config) => recordWithMocks(PROJECT, stack, () => provision(cfg, stack).resources);
const kubernetesObjects = (registrations: Registration[]) => registrations.filter((r) => r.custom && r.type.startsWith('kubernetes:'));
const normalize = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('Pulumi program under mocks', () => {
  it('a stack creates exactly the model objects of its units, with identical inputs', async () => {
    const { registrations } = await provisionStack('dev-s0');
    const state = buildModel(config);
    // dev-s0 is the dev cluster's first stack: it also owns the cluster-wide admission policy.
    const expected = [
      ...state.clusters.filter((c) => c.stack === 'dev-s0').flatMap((c) => c.objects),
      ...state.units.filter((u) => u.stack === 'dev-s0').flatMap((u) => [...u.tenant, u.project, ...u.apps]),
    ];
    expect(expected.filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy'))).toHaveLength(2);
    const created = kubernetesObjects(registrations).map((r) => r.inputs);
    expect(created).toHaveLength(expected.length);
    expect(new Map(created.map((o) => [objectKey(o as never), o]))).toEqual(new Map(expected.map((o) => [objectKey(o), normalize(o)])));
  });

  it('all stacks together create the same object set that render writes (one source of truth)', async () => {
    const created = [];
    for (const stack of stacks(buildModel(config)).keys()) created.push(...kubernetesObjects((await provisionStack(stack)).registrations).map((r) => r.inputs));
    const rendered = allObjects(buildModel(config));
    expect(created.map((o) => objectKey(o as never)).sort()).toEqual(rendered.map(objectKey).sort());
    expect(new Map(created.map((o) => [objectKey(o as never), o]))).toEqual(new Map(rendered.map((o) => [objectKey(o), normalize(o)])));
  });

  it('uses typed resources and components with paved:platform type tokens, children parented to them', async () => {
    const { registrations: all } = await provisionStack('prod-s0');
    const cluster = all.filter((r) => r.type.includes('ValidatingAdmissionPolicy') || r.type === 'paved:platform:ClusterGuardrails');
    expect(cluster.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy paved-guardrails',
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding paved-guardrails',
      'paved:platform:ClusterGuardrails prod',
    ]);
    const registrations = all.filter((r) => !cluster.includes(r));
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const types = new Map(kubernetesObjects(registrations).map((r) => [(r.inputs as { kind: string }).kind, r.type]));
    expect(Object.fromEntries(types)).toEqual({
      Namespace: 'kubernetes:core/v1:Namespace',
      ResourceQuota: 'kubernetes:core/v1:ResourceQuota',
      LimitRange: 'kubernetes:core/v1:LimitRange',
      NetworkPolicy: 'kubernetes:networking.k8s.io/v1:NetworkPolicy',
      Role: 'kubernetes:rbac.authorization.k8s.io/v1:Role',
      RoleBinding: 'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding',
      AppProject: 'kubernetes:argoproj.io/v1alpha1:AppProject',
      Application: 'kubernetes:argoproj.io/v1alpha1:Application',
    });
    const components = registrations.filter((r) => !r.custom);
    expect(components.map((c) => `${c.type} ${c.name}`).sort()).toEqual([
      'paved:platform:ServiceApps payments-prod',
      'paved:platform:TeamProject payments-prod',
      'paved:platform:TeamTenant payments-prod',
    ]);
    const parentOf = (kind: string) =>
      ({ AppProject: 'paved:platform:TeamProject', Application: 'paved:platform:ServiceApps' })[kind] ?? 'paved:platform:TeamTenant';
    for (const r of kubernetesObjects(registrations)) {
      const { kind, metadata } = r.inputs as { kind: string; metadata: { labels: Record<string, string> } };
      const parent = byUrn.get(r.parent);
      expect(parent?.type, r.name).toBe(parentOf(kind));
      expect(parent?.name).toBe(`${metadata.labels['paved.dev/team']}-${metadata.labels['paved.dev/environment']}`);
      expect(metadata.labels).toMatchObject({
        'paved.dev/team': 'payments',
        'paved.dev/environment': 'prod',
        'app.kubernetes.io/managed-by': 'paved-platform',
      });
      // Every Kubernetes resource goes through the stack's explicit provider.
      expect(r.provider).toMatch(/^urn:pulumi:prod-s0::paved-platform::pulumi:providers:kubernetes::prod::/);
    }
    expect(registrations.find((r) => r.type === 'pulumi:providers:kubernetes')?.inputs).toMatchObject({ context: 'prod-eu1' });
  });

  it('orders creation: namespace first, then guardrails and project, then applications', async () => {
    const { registrations } = await provisionStack('dev-s1');
    const urn = (type: string, name: string) => registrations.find((r) => r.type === type && r.name === name)!.urn;
    const namespace = urn('kubernetes:core/v1:Namespace', 'search-dev');
    const project = urn('kubernetes:argoproj.io/v1alpha1:AppProject', 'argocd/search-dev');
    const quota = urn('kubernetes:core/v1:ResourceQuota', 'search-dev/team-quota');
    const deny = urn('kubernetes:networking.k8s.io/v1:NetworkPolicy', 'search-dev/default-deny');
    for (const r of kubernetesObjects(registrations).filter((r) => r.parent.endsWith('TeamTenant::search-dev') && r.urn !== namespace))
      expect(r.dependencies, r.name).toEqual([namespace]);
    const apps = kubernetesObjects(registrations).filter((r) => r.type.endsWith(':Application'));
    expect(apps).toHaveLength(2);
    for (const app of apps) expect(app.dependencies, app.name).toEqual(expect.arrayContaining([namespace, quota, deny, project]));
    const projectDeps = registrations.find((r) => r.urn === project)!.dependencies;
    expect(projectDeps).toEqual(expect.arrayContaining([namespace, quota]));
  });

  it('a stack whose shard has no teams is valid and empty (removing the last team deletes everything)', async () => {
    const parsed = parseConfig(syntheticConfig({ teams: 1, servicesPerTeam: 1, shards: 4, environments: ['dev'] }));
    if (!parsed.ok) throw new Error('synthetic config is invalid');
    const used = [...stacks(buildModel(parsed.config)).keys()];
    const empty = ['dev-s0', 'dev-s1', 'dev-s2', 'dev-s3'].find((s) => !used.includes(s))!;
    const { registrations } = await provisionStack(empty, parsed.config);
    expect(registrations.map((r) => r.type)).toEqual(['pulumi:providers:kubernetes']);
  });

  it('rejects a stack name that is not one of the platform stacks', () => {
    expect(parseStack(config, 'staging-s1')).toEqual({ environment: 'staging', shard: 1 });
    expect(() => parseStack(config, 'production')).toThrow(
      'stack "production" is not one of this platform\'s stacks; stacks are named <environment>-s<shard> (e.g. dev-s0, staging-s0, prod-s0)',
    );
    expect(() => parseStack(config, 'dev-s2')).toThrow(/is not one of this platform's stacks/);
  });

  it('the program entry loads the config directory from stack config and returns the stack summary', async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, PROJECT, 'prod-s1', false);
    pulumi.runtime.setConfig(`${PROJECT}:configDir`, EXAMPLES);
    const { default: main } = await import('../src/pulumi/main.js');
    expect(await main()).toEqual({
      teams: ['search'],
      namespaces: ['search-prod'],
      applications: ['search-indexer-prod', 'search-query-api-prod'],
    });
    pulumi.runtime.setConfig(`${PROJECT}:configDir`, '/nonexistent');
    await expect(main()).rejects.toThrow(/invalid platform config in \/nonexistent:\n.*cannot read/);
  });
});
