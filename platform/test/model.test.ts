import { describe, expect, it } from 'vitest';
import { parseConfig, formatIssue, type SourceFile } from '../src/config/load.js';
import { buildModel, allObjects, objectKey, stacks, type DesiredState } from '../src/model/model.js';
import type { K8sObject } from '../src/model/objects.js';
import { checkGuardrails } from '../src/guardrails.js';
import { validateSchemas } from '../src/schemas.js';
import { syntheticConfig } from '@paved/testkit/platform';
import { editFile, exampleFiles } from './helpers.js';

function model(files: SourceFile[]): DesiredState {
  const result = parseConfig(files);
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return buildModel(result.config);
}

const keys = (state: DesiredState) => new Set(allObjects(state).map(objectKey));
const find = (state: DesiredState, kind: string, name: string, namespace?: string): K8sObject => {
  const found = allObjects(state).find((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ?? ''}/${name}`);
  return found;
};
const diff = (before: Set<string>, after: Set<string>) => ({
  removed: [...before].filter((key) => !after.has(key)).sort(),
  added: [...after].filter((key) => !before.has(key)).sort(),
});

describe('the model of the example config', async () => {
  const files = await exampleFiles();
  const state = model(files);

  it('creates one unit per team and environment it asked for', () => {
    expect(state.units.map((u) => `${u.team}/${u.environment}`).sort()).toEqual([
      'growth-lab/dev',
      'growth-lab/staging',
      'payments/dev',
      'payments/prod',
      'payments/staging',
      'search/dev',
      'search/prod',
      'search/staging',
    ]);
    // 10 tenant objects + 1 project + one app per service, per unit; the admission policy and
    // its binding once per cluster (three environments, three clusters).
    expect(allObjects(state)).toHaveLength(3 * 2 + 8 * 11 + 3 * 3 + 2 * 3 + 1 * 2);
    expect(state.clusters.map((c) => `${c.environment}:${c.stack}:${c.objects.map((o) => o.kind).join('+')}`)).toEqual(
      ['dev', 'staging', 'prod'].map((env) => `${env}:${env}-s0:ValidatingAdmissionPolicy+ValidatingAdmissionPolicyBinding`),
    );
    expect(keys(state).size).toBe(allObjects(state).length - 2 * 2);
  });

  it('labels namespaces with team, environment and restricted Pod Security', () => {
    const ns = find(state, 'Namespace', 'payments-prod');
    expect(ns.metadata?.labels).toMatchObject({
      'paved.dev/team': 'payments',
      'paved.dev/environment': 'prod',
      'paved.dev/production': 'true',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(ns.metadata?.annotations?.['paved.dev/owner-group']).toBe('oidc:acme:payments');
  });

  it('merges quota overrides over the environment defaults', () => {
    expect(find(state, 'ResourceQuota', 'team-quota', 'payments-prod')).toMatchObject({
      spec: { hard: { 'requests.cpu': '24', 'requests.memory': '48Gi', 'limits.cpu': '48', 'limits.memory': '96Gi', pods: '100' } },
    });
    expect(find(state, 'ResourceQuota', 'team-quota', 'payments-dev')).toMatchObject({ spec: { hard: { 'requests.cpu': '4', pods: '50' } } });
    expect(find(state, 'LimitRange', 'team-defaults', 'search-prod')).toMatchObject({
      spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '250m', memory: '256Mi' }, default: { cpu: '1', memory: '1Gi' } }] },
    });
  });

  it('network policies: default deny, DNS, same namespace, ingress controller, observability', () => {
    const names = allObjects(state)
      .filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === 'search-dev')
      .map((o) => o.metadata?.name);
    expect(names).toEqual(['default-deny', 'allow-dns', 'allow-same-namespace', 'allow-ingress-controller', 'allow-observability']);
    expect(find(state, 'NetworkPolicy', 'allow-ingress-controller', 'search-dev')).toMatchObject({
      spec: { ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }] },
    });
    const monitoring = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
    expect(find(state, 'NetworkPolicy', 'allow-observability', 'search-dev')).toMatchObject({
      spec: {
        ingress: [{ from: [monitoring] }],
        egress: [
          {
            to: [monitoring],
            ports: [
              { protocol: 'TCP', port: 4317 },
              { protocol: 'TCP', port: 4318 },
            ],
          },
        ],
      },
    });
    // Without an observabilityNamespace there is nothing to allow.
    const without = model(editFile(files, 'platform.yaml', (t) => t.replaceAll('    observabilityNamespace: monitoring\n', '')));
    expect(allObjects(without).filter((o) => o.metadata?.name === 'allow-observability')).toEqual([]);
  });

  it('RBAC: edit in dev and staging, read-only without secrets in prod, bound to the team group only', () => {
    const verbs = (ns: string) => new Set((find(state, 'Role', 'paved-team', ns) as { rules: Array<{ verbs: string[] }> }).rules.flatMap((r) => r.verbs));
    expect(verbs('payments-dev')).toContain('create');
    expect(verbs('payments-staging')).toContain('delete');
    expect([...verbs('payments-prod')].sort()).toEqual(['get', 'list', 'watch']);
    const prodRole = find(state, 'Role', 'paved-team', 'payments-prod') as { rules: Array<{ resources: string[] }> };
    expect(prodRole.rules.flatMap((r) => r.resources)).not.toContain('secrets');
    expect(find(state, 'RoleBinding', 'paved-team', 'search-prod')).toMatchObject({
      roleRef: { kind: 'Role', name: 'paved-team' },
      subjects: [{ kind: 'Group', name: 'oidc:acme:search' }],
    });
    expect(allObjects(state).some((o) => (o.kind as string).startsWith('Cluster'))).toBe(false);
    // Endpoints are never writable (CVE-2021-25740); a service's own network policies are, outside production.
    const rules = (ns: string) => (find(state, 'Role', 'paved-team', ns) as { rules: Array<{ resources: string[]; verbs: string[] }> }).rules;
    expect(
      rules('payments-dev')
        .filter((r) => r.resources.includes('endpoints'))
        .flatMap((r) => r.verbs),
    ).toEqual(['get', 'list', 'watch']);
    expect(rules('payments-dev').find((r) => r.resources.includes('networkpolicies'))?.verbs).toContain('create');
    expect(rules('payments-prod').find((r) => r.resources.includes('networkpolicies'))?.verbs).toEqual(['get', 'list', 'watch']);
  });

  it('AppProject: own repositories and namespace only, no cluster resources, guardrails denied, team role', () => {
    const project = find(state, 'AppProject', 'payments-dev', 'argocd') as Extract<K8sObject, { kind: 'AppProject' }>;
    expect(project.spec?.sourceRepos).toEqual([
      'https://git.example.com/acme/checkout.git',
      'https://git.example.com/acme/ledger.git',
      'https://git.example.com/acme/payments-monorepo.git',
    ]);
    expect(project.spec?.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'payments-dev' }]);
    expect(project.spec?.clusterResourceWhitelist).toEqual([]);
    // NetworkPolicy is not denied: services ship their own (the platform's are kept by admission).
    expect(project.spec?.namespaceResourceBlacklist?.map((k) => k.kind)).toEqual(['ResourceQuota', 'LimitRange', 'Role', 'RoleBinding']);
    expect(project.spec?.roles?.[0]?.groups).toEqual(['acme:payments']);
    const prod = find(state, 'AppProject', 'payments-prod', 'argocd') as Extract<K8sObject, { kind: 'AppProject' }>;
    expect(prod.spec?.roles?.[0]?.policies).not.toContain('p, proj:payments-prod:team, applications, action/*, payments-prod/*, allow');
  });

  it('Applications: automated prune + self-heal outside production, manual in production, finalizer everywhere', () => {
    const dev = find(state, 'Application', 'payments-refunds-dev', 'argocd') as Extract<K8sObject, { kind: 'Application' }>;
    expect(dev.spec).toMatchObject({
      project: 'payments-dev',
      source: { repoURL: 'https://git.example.com/acme/payments-monorepo.git', path: 'services/refunds/deploy/dev', targetRevision: 'HEAD' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'payments-dev' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    const prod = find(state, 'Application', 'payments-refunds-prod', 'argocd') as Extract<K8sObject, { kind: 'Application' }>;
    expect(prod.spec?.source?.path).toBe('services/refunds/deploy/production');
    expect(prod.spec?.syncPolicy?.automated).toBeUndefined();
    expect(find(state, 'Application', 'payments-ledger-prod').metadata?.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(find(state, 'Application', 'payments-ledger-prod').metadata?.labels?.['paved.dev/tier']).toBe('critical');
  });

  it('every object validates against the Kubernetes and Argo CD schemas and passes every guardrail', () => {
    expect(validateSchemas(allObjects(state))).toEqual([]);
    expect(checkGuardrails(allObjects(state))).toEqual([]);
  });

  it('the schema validators do catch wrong values', () => {
    const broken = structuredClone(find(state, 'NetworkPolicy', 'allow-dns', 'search-dev')) as unknown as { spec: { policyTypes: unknown } };
    broken.spec.policyTypes = 'Egress';
    expect(validateSchemas([broken as unknown as K8sObject])).toEqual([
      { object: 'networking.k8s.io/v1/NetworkPolicy/search-dev/allow-dns', message: expect.stringContaining('policyTypes must be array') },
    ]);
  });

  it('spreads teams over stacks per environment and shard', () => {
    expect([...stacks(state).keys()].sort()).toEqual(['dev-s0', 'dev-s1', 'prod-s0', 'prod-s1', 'staging-s0', 'staging-s1']);
  });
});

describe('changes to the config change exactly the affected objects', async () => {
  const files = await exampleFiles();
  const before = keys(model(files));

  it('removing a service removes exactly its Applications', () => {
    const after = keys(model(editFile(files, 'teams/search.yaml', (t) => t.replace(/ {2}- name: indexer\n {4}repo: .*\n/, ''))));
    expect(diff(before, after)).toEqual({
      removed: ['dev', 'prod', 'staging'].map((env) => `argoproj.io/v1alpha1/Application/argocd/search-indexer-${env}`).sort(),
      added: [],
    });
  });

  it('removing a team removes exactly its objects', () => {
    const state = model(files.filter((f) => f.path !== 'teams/growth-lab.yaml'));
    const { removed, added } = diff(before, keys(state));
    expect(added).toEqual([]);
    expect(removed).toHaveLength(2 * 12);
    expect(removed.every((key) => key.includes('growth-lab'))).toBe(true);
    expect([...before].filter((key) => key.includes('growth-lab')).sort()).toEqual(removed);
  });

  it('renaming a service replaces its Applications and nothing else', () => {
    const after = keys(model(editFile(files, 'teams/search.yaml', (t) => t.replace('name: query-api', 'name: query'))));
    expect(diff(before, after)).toEqual({
      removed: ['dev', 'prod', 'staging'].map((env) => `argoproj.io/v1alpha1/Application/argocd/search-query-api-${env}`).sort(),
      added: ['dev', 'prod', 'staging'].map((env) => `argoproj.io/v1alpha1/Application/argocd/search-query-${env}`).sort(),
    });
  });

  it('renaming a team (file and id) moves all its objects to the new names', () => {
    const renamed = files
      .filter((f) => f.path !== 'teams/search.yaml')
      .concat({ path: 'teams/discovery.yaml', text: files.find((f) => f.path === 'teams/search.yaml')!.text.replace('id: search', 'id: discovery') });
    const { removed, added } = diff(before, keys(model(renamed)));
    expect(removed.map((k) => k.replaceAll('search-', 'discovery-')).sort()).toEqual(added);
    expect(removed.every((k) => k.includes('search-'))).toBe(true);
    expect(removed).toHaveLength(3 * 13);
  });

  it('adding an environment to a team adds exactly that environment unit', () => {
    const after = keys(model(editFile(files, 'teams/growth-lab.yaml', (t) => t.replace('  staging: {}\n', '  staging: {}\n  prod: {}\n'))));
    const { removed, added } = diff(before, after);
    expect(removed).toEqual([]);
    expect(added).toHaveLength(12);
    expect(added.every((key) => key.includes('growth-lab-prod') || key.endsWith('/growth-lab-prod') || key.includes('growth-lab-experiments-prod'))).toBe(true);
  });
});

describe('a realistic larger config', () => {
  it('20 teams x 5 services x 3 environments: valid, guarded, unique names, stable stacks', () => {
    const state = model(syntheticConfig({ teams: 20, servicesPerTeam: 5, shards: 4 }));
    const objects = allObjects(state);
    expect(objects).toHaveLength(3 * 2 + 20 * 3 * (10 + 5));
    expect(keys(state).size).toBe(objects.length - 2 * 2);
    expect(validateSchemas(objects)).toEqual([]);
    expect(checkGuardrails(objects)).toEqual([]);
    // A team keeps its stack when other teams come and go.
    const fewer = model(syntheticConfig({ teams: 10, servicesPerTeam: 5, shards: 4 }));
    const stackOf = (s: DesiredState) => new Map(s.units.map((u) => [`${u.team}/${u.environment}`, u.stack]));
    const all = stackOf(state);
    for (const [unit, stack] of stackOf(fewer)) expect(all.get(unit)).toBe(stack);
  });
});
