import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { buildModel, allObjects } from '../src/model/model.js';
import { GUARDRAILS, checkGuardrails, type LooseObject, type Violation } from '../src/guardrails.js';
import { policies, objectsOf } from '../src/policy/policies.js';
import { EXAMPLES } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests reach into objects they build as plain JSON, field by field
type Obj = Record<string, any>;

async function desired(): Promise<Obj[]> {
  const loaded = await loadConfig(EXAMPLES);
  if (!loaded.ok) throw new Error('example config is invalid');
  return structuredClone(allObjects(buildModel(loaded.config))) as Obj[];
}

function get(objects: Obj[], kind: string, name: string, namespace?: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
const without = (objects: Obj[], kind: string, name: string, namespace: string) =>
  objects.filter((o) => !(o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace));

/** Each case breaks one rule on otherwise good objects; exactly that rule must fire. */
const CASES: Array<{ rule: string; breakIt: (objects: Obj[]) => Obj[]; expect: Partial<Violation> }> = [
  {
    rule: 'namespace-pod-security',
    breakIt: (o) => ((get(o, 'Namespace', 'search-dev').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'), o),
    expect: { object: 'Namespace/search-dev', message: 'label pod-security.kubernetes.io/enforce must be "restricted"' },
  },
  {
    rule: 'namespace-has-quota',
    breakIt: (o) => without(o, 'ResourceQuota', 'team-quota', 'search-dev'),
    expect: { object: 'Namespace/search-dev', message: 'no ResourceQuota in the namespace sets requests.cpu' },
  },
  {
    rule: 'namespace-has-limits',
    breakIt: (o) => (delete get(o, 'LimitRange', 'team-defaults', 'payments-prod').spec.limits[0].defaultRequest, o),
    expect: { object: 'Namespace/payments-prod' },
  },
  {
    rule: 'namespace-default-deny',
    breakIt: (o) => ((get(o, 'NetworkPolicy', 'default-deny', 'search-prod').spec.egress = [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }]), o),
    expect: { object: 'Namespace/search-prod' },
  },
  {
    rule: 'no-cluster-rbac',
    breakIt: (o) => [
      ...o,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'search-admin', labels: { 'paved.dev/team': 'search' } },
        roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [],
      },
    ],
    expect: { object: 'ClusterRoleBinding/search-admin' },
  },
  {
    rule: 'no-cluster-rbac',
    breakIt: (o) => (
      (get(o, 'RoleBinding', 'paved-team', 'search-dev').roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }),
      o
    ),
    expect: { object: 'RoleBinding/search-dev/paved-team', message: 'roleRef must be a Role in the same namespace, got ClusterRole' },
  },
  {
    rule: 'rbac-owner-only',
    breakIt: (o) => (get(o, 'RoleBinding', 'paved-team', 'payments-dev').subjects.push({ kind: 'Group', name: 'oidc:acme:search' }), o),
    expect: {
      object: 'RoleBinding/payments-dev/paved-team',
      message: 'subject Group "oidc:acme:search" is not the namespace owner group "oidc:acme:payments"',
    },
  },
  {
    rule: 'rbac-no-guardrail-write',
    breakIt: (o) => (get(o, 'Role', 'paved-team', 'search-dev').rules.push({ apiGroups: [''], resources: ['resourcequotas'], verbs: ['delete'] }), o),
    expect: { object: 'Role/search-dev/paved-team', message: 'rule lets the team delete resourcequotas' },
  },
  {
    rule: 'rbac-no-guardrail-write',
    breakIt: (o) => (get(o, 'Role', 'paved-team', 'search-dev').rules.push({ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }), o),
    expect: { object: 'Role/search-dev/paved-team', message: 'rule uses "*" for API groups or resources' },
  },
  {
    rule: 'production-read-only',
    breakIt: (o) => (get(o, 'Role', 'paved-team', 'search-prod').rules[0].verbs.push('patch'), o),
    expect: { object: 'Role/search-prod/paved-team' },
  },
  {
    rule: 'production-read-only',
    breakIt: (o) => ((get(o, 'Application', 'search-indexer-prod').spec.syncPolicy.automated = { prune: true }), o),
    expect: { object: 'Application/argocd/search-indexer-prod', message: 'Application in production syncs automatically; production syncs are manual' },
  },
  {
    rule: 'appproject-no-wildcards',
    breakIt: (o) => (get(o, 'AppProject', 'search-dev').spec.sourceRepos.push('https://git.example.com/acme/*'), o),
    expect: { object: 'AppProject/argocd/search-dev' },
  },
  {
    rule: 'appproject-no-wildcards',
    breakIt: (o) => (get(o, 'AppProject', 'payments-dev').spec.destinations.push({ server: '*', namespace: 'payments-dev' }), o),
    expect: { object: 'AppProject/argocd/payments-dev', message: 'destination server "*" is a pattern; list the team\'s namespaces explicitly' },
  },
  {
    rule: 'appproject-no-cluster-resources',
    breakIt: (o) => ((get(o, 'AppProject', 'search-prod').spec.clusterResourceWhitelist = [{ group: '*', kind: '*' }]), o),
    expect: { object: 'AppProject/argocd/search-prod' },
  },
  {
    rule: 'appproject-denies-guardrails',
    breakIt: (o) => (get(o, 'AppProject', 'search-prod').spec.namespaceResourceBlacklist.splice(2, 1), o),
    expect: { object: 'AppProject/argocd/search-prod', message: 'namespaceResourceBlacklist must deny rbac.authorization.k8s.io/Role' },
  },
  {
    rule: 'admission-protects-guardrails',
    breakIt: (o) => (get(o, 'ValidatingAdmissionPolicy', 'paved-guardrails').spec.matchConstraints.resourceRules.splice(1, 1), o),
    expect: { object: 'ValidatingAdmissionPolicy/paved-guardrails', message: 'does not cover CREATE, UPDATE and DELETE of roles' },
  },
  {
    rule: 'admission-protects-guardrails',
    breakIt: (o) => ((get(o, 'ValidatingAdmissionPolicyBinding', 'paved-guardrails').spec.validationActions = ['Audit']), o),
    expect: { object: 'ValidatingAdmissionPolicyBinding/paved-guardrails', message: 'validationActions must include Deny' },
  },
  {
    rule: 'appproject-own-namespaces',
    breakIt: (o) => (get(o, 'AppProject', 'growth-lab-dev').spec.destinations.push({ server: 'https://kubernetes.default.svc', namespace: 'payments-dev' }), o),
    expect: { object: 'AppProject/argocd/growth-lab-dev', message: 'destination namespace "payments-dev" is not a namespace of team "growth-lab"' },
  },
  {
    rule: 'application-own-project',
    breakIt: (o) => ((get(o, 'Application', 'growth-lab-experiments-dev').spec.project = 'payments-dev'), o),
    expect: { object: 'Application/argocd/growth-lab-experiments-dev', message: 'project "payments-dev" is not an AppProject of team "growth-lab" in argocd' },
  },
  {
    rule: 'application-own-project',
    breakIt: (o) => ((get(o, 'Application', 'search-indexer-dev').spec.source.repoURL = 'https://git.example.com/acme/checkout.git'), o),
    expect: {
      object: 'Application/argocd/search-indexer-dev',
      message: 'source https://git.example.com/acme/checkout.git is not one of project "search-dev"\'s repositories',
    },
  },
  {
    rule: 'application-own-project',
    breakIt: (o) => ((get(o, 'Application', 'search-indexer-dev').metadata.finalizers = []), o),
    expect: { object: 'Application/argocd/search-indexer-dev' },
  },
];

describe('guardrail predicates', () => {
  it('the desired objects pass every guardrail', async () => {
    expect(checkGuardrails(await desired())).toEqual([]);
  });

  it('every guardrail has at least one violating case', () => {
    expect(new Set(CASES.map((c) => c.rule))).toEqual(new Set(GUARDRAILS.map((g) => g.id)));
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.rule} (#${i}) catches ${c.expect.object}`, async () => {
      const found = checkGuardrails(c.breakIt(await desired()) as LooseObject[]);
      expect(found.length).toBeGreaterThan(0);
      expect(
        found.every((v) => v.rule === c.rule),
        JSON.stringify(found),
      ).toBe(true);
      expect(found).toContainEqual(expect.objectContaining({ rule: c.rule, ...c.expect }));
      // Each Guardrail used on its own finds the same thing.
      expect(GUARDRAILS.find((g) => g.id === c.rule)!.check(c.breakIt(await desired()) as LooseObject[])).toEqual(found);
    });
  }

  it('tolerates junk input without throwing', () => {
    const junk = [
      {},
      { kind: 'AppProject' },
      { kind: 'Namespace', metadata: { name: 'x', labels: { 'paved.dev/team': 't' } } },
      { kind: 'Role', rules: 'all' },
    ] as LooseObject[];
    const found = checkGuardrails(junk);
    expect(found.map((v) => v.rule)).toEqual(
      expect.arrayContaining([
        'namespace-pod-security',
        'namespace-has-quota',
        'namespace-has-limits',
        'namespace-default-deny',
        'appproject-denies-guardrails',
      ]),
    );
  });
});

describe('the Pulumi policy pack reuses the predicates', () => {
  const asResources = (objects: Obj[]) => [
    { type: 'pulumi:providers:kubernetes', props: { context: 'dev' }, urn: 'urn:provider' },
    ...objects.map((o) => ({
      type: o.kind === 'AppProject' || o.kind === 'Application' ? 'kubernetes:argoproj.io/v1alpha1:' + o.kind : `kubernetes:x:${o.kind}`,
      props: o,
      urn: `urn:pulumi:dev::paved-platform::${o.kind}::${o.metadata.namespace ?? ''}/${o.metadata.name}`,
    })),
  ];

  async function runPolicies(objects: Obj[]) {
    const reports: Array<{ policy: string; message: string; urn?: string }> = [];
    for (const policy of policies) {
      await policy.validateStack!(
        {
          resources: asResources(objects) as never,
          stackTags: new Map(),
          getConfig: () => ({}) as never,
          notApplicable: () => {
            throw new Error('n/a');
          },
        },
        (message, urn) => reports.push({ policy: policy.name, message, ...(urn ? { urn } : {}) }),
      );
    }
    return reports;
  }

  it('has one mandatory stack policy per guardrail', () => {
    expect(policies.map((p) => p.name)).toEqual(GUARDRAILS.map((g) => `paved-${g.id}`));
    expect(policies.every((p) => p.enforcementLevel === 'mandatory')).toBe(true);
  });

  it('passes the desired objects and reports a violation with the resource URN', async () => {
    expect(await runPolicies(await desired())).toEqual([]);
    const broken = await desired();
    get(broken, 'AppProject', 'search-dev').spec.sourceRepos = ['*'];
    expect(await runPolicies(broken)).toEqual([
      {
        policy: 'paved-appproject-no-wildcards',
        message: 'AppProject/argocd/search-dev: sourceRepos entry "*" is a pattern; list the team\'s repositories explicitly',
        urn: 'urn:pulumi:dev::paved-platform::AppProject::argocd/search-dev',
      },
      expect.objectContaining({ policy: 'paved-application-own-project' }),
      expect.objectContaining({ policy: 'paved-application-own-project' }),
    ]);
  });

  it('ignores providers and non-Kubernetes resources', () => {
    expect(
      objectsOf([
        { type: 'pulumi:providers:kubernetes', props: {}, urn: 'a' },
        { type: 'aws:s3/bucket:Bucket', props: {}, urn: 'b' },
      ]),
    ).toEqual([]);
  });
});
