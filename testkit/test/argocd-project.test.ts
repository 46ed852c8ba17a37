import { describe, expect, it } from 'vitest';
import { evaluateSync, isDestinationPermitted, isKindPermitted, isSourcePermitted, normalizeRepoURL, type SyncObject } from '../src/argocd-project.js';

// Expected values marked "Go" were produced by Argo CD v3.6.2's own functions (NormalizeGitURL,
// gobwas/glob v1.0.0, path/filepath.Match) run against the same inputs.

const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

function project(spec: Record<string, unknown>, name = 'payments-dev'): unknown {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name, namespace: 'argocd' }, spec };
}

describe('normalizeRepoURL', () => {
  it.each([
    ['https://GitHub.com/Acme/App.git', 'https://github.com/acme/app'],
    ['  https://github.com/acme/app  ', 'https://github.com/acme/app'],
    ['git@github.com:acme/app.git', 'git@github.com/acme/app'],
    ['ssh://git@github.com/acme/app', 'git@github.com/acme/app'],
    ['https://github.com/acme/app/', 'https://github.com/acme/app/'],
    ['https://github.com/acme/app.git/', 'https://github.com/acme/app.git/'],
    ['https://github.com/acme/{api,web}', 'https://github.com/acme/%7Bapi,web%7D'],
    ['https://github.com/a b', 'https://github.com/a%20b'],
    ['https://github.com:abc/acme/app', ''],
    ['https://github.com/acme/app%zz', ''],
  ])('normalises %j to %j (Go)', (input, expected) => {
    expect(normalizeRepoURL(input)).toBe(expected);
  });
});

describe('isSourcePermitted', () => {
  it('permits a listed repo whatever its case or .git suffix', () => {
    const payments = project({ sourceRepos: ['https://github.com/acme/payments.git'] });
    expect(isSourcePermitted(payments, 'https://GitHub.com/Acme/Payments').allowed).toBe(true);
    expect(isSourcePermitted(payments, 'https://github.com/acme/payments.git').allowed).toBe(true);
  });

  it('treats the scp-like and ssh:// forms of one repo as the same repo', () => {
    const payments = project({ sourceRepos: ['git@github.com:acme/payments.git'] });
    expect(isSourcePermitted(payments, 'ssh://git@github.com/acme/payments').allowed).toBe(true);
  });

  it('keeps a trailing slash significant, as Argo CD does', () => {
    const payments = project({ sourceRepos: ['https://github.com/acme/payments'] });
    const decision = isSourcePermitted(payments, 'https://github.com/acme/payments/');
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe(
      "AppProject payments-dev does not permit source repo https://github.com/acme/payments/: no sourceRepos entry matches it (compared as 'https://github.com/acme/payments/')",
    );
  });

  it('refuses a repo no entry lists, and everything when sourceRepos is empty', () => {
    const payments = project({ sourceRepos: ['https://github.com/acme/payments'] });
    expect(isSourcePermitted(payments, 'https://github.com/acme/billing').allowed).toBe(false);
    const decision = isSourcePermitted(project({ sourceRepos: [] }), 'https://github.com/acme/payments');
    expect(decision).toEqual({
      allowed: false,
      reason: 'AppProject payments-dev does not permit source repo https://github.com/acme/payments: sourceRepos is empty',
    });
  });

  it('lets a bare * admit any repo, even across path segments', () => {
    expect(isSourcePermitted(project({ sourceRepos: ['*'] }), 'https://gitlab.com/group/sub/repo.git').allowed).toBe(true);
  });

  it('stops * at a / and lets ** cross it (Go)', () => {
    const oneLevel = project({ sourceRepos: ['https://github.com/acme/*'] });
    expect(isSourcePermitted(oneLevel, 'https://github.com/acme/payments').allowed).toBe(true);
    expect(isSourcePermitted(oneLevel, 'https://github.com/acme/team/payments').allowed).toBe(false);
    const anyDepth = project({ sourceRepos: ['https://github.com/acme/**'] });
    expect(isSourcePermitted(anyDepth, 'https://github.com/acme/team/payments').allowed).toBe(true);
  });

  it('lets a ! entry refuse a repo that another entry admits, wherever it sits in the list', () => {
    for (const sourceRepos of [
      ['*', '!https://github.com/acme/secrets'],
      ['!https://github.com/acme/secrets', '*'],
    ]) {
      const decision = isSourcePermitted(project({ sourceRepos }), 'https://github.com/acme/secrets.git');
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toContain("it matches the deny entry '!https://github.com/acme/secrets' in sourceRepos");
      expect(isSourcePermitted(project({ sourceRepos }), 'https://github.com/acme/payments').allowed).toBe(true);
    }
  });

  it('admits every other repo through a lone ! entry, as Argo CD code does', () => {
    const decision = isSourcePermitted(project({ sourceRepos: ['!https://github.com/acme/secrets'] }), 'https://github.com/acme/payments');
    expect(decision.allowed).toBe(true);
    expect(decision.reason).toContain('admits every repo it does not match');
  });

  it('lets !* deny only URLs without a /, since * stops at / there (Go)', () => {
    // Argo CD's API rejects `!*` in a project, but a project applied with kubectl keeps it.
    const bangStar = project({ sourceRepos: ['*', '!*'] });
    expect(isSourcePermitted(bangStar, 'https://github.com/acme/payments').allowed).toBe(true);
    expect(isSourcePermitted(bangStar, 'payments').allowed).toBe(false);
  });

  it('never matches brace alternatives in a repo path, because Argo CD percent-encodes them', () => {
    const braces = project({ sourceRepos: ['https://github.com/acme/{payments,billing}'] });
    expect(isSourcePermitted(braces, 'https://github.com/acme/payments').allowed).toBe(false);
  });
});

describe('isDestinationPermitted', () => {
  const payments = project({ destinations: [{ server: IN_CLUSTER_SERVER, namespace: 'payments-*' }] });

  it('permits a listed server and a namespace its glob matches', () => {
    const decision = isDestinationPermitted(payments, { server: IN_CLUSTER_SERVER, namespace: 'payments-dev' });
    expect(decision.allowed).toBe(true);
  });

  it('refuses a namespace outside the glob, and another server', () => {
    expect(isDestinationPermitted(payments, { server: IN_CLUSTER_SERVER, namespace: 'payments' })).toEqual({
      allowed: false,
      reason: `AppProject payments-dev does not permit destination server ${IN_CLUSTER_SERVER}, namespace payments: no destinations entry matches it`,
    });
    expect(isDestinationPermitted(payments, { server: 'https://prod.example.com', namespace: 'payments-dev' }).allowed).toBe(false);
  });

  it('matches by cluster name', () => {
    const byName = project({ destinations: [{ name: 'in-cluster', namespace: '*' }] });
    expect(isDestinationPermitted(byName, { name: 'in-cluster', namespace: 'anything' }).allowed).toBe(true);
    expect(isDestinationPermitted(byName, { name: 'prod', namespace: 'anything' }).allowed).toBe(false);
  });

  it('supports ?, classes and brace alternatives in namespaces (Go)', () => {
    const globs = project({
      destinations: [
        { server: '*', namespace: 'team-{a,b}' },
        { server: '*', namespace: 'env-?' },
        { server: '*', namespace: 'tier-[!0]' },
      ],
    });
    const allowed = (namespace: string) => isDestinationPermitted(globs, { server: IN_CLUSTER_SERVER, namespace }).allowed;
    expect([allowed('team-b'), allowed('team-c'), allowed('env-1'), allowed('env-10'), allowed('tier-1'), allowed('tier-0')]).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it('lets a ! namespace refuse what a wildcard entry admits', () => {
    const noKubeSystem = project({
      destinations: [
        { server: '*', namespace: '*' },
        { server: '*', namespace: '!kube-system' },
      ],
    });
    const decision = isDestinationPermitted(noKubeSystem, { server: IN_CLUSTER_SERVER, namespace: 'kube-system' });
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain("the destinations entry {server: '*', namespace: '!kube-system'} denies it");
    expect(isDestinationPermitted(noKubeSystem, { server: IN_CLUSTER_SERVER, namespace: 'payments-dev' }).allowed).toBe(true);
  });

  it('lets a ! server veto a cluster even when another entry admits it', () => {
    const noProd = project({
      destinations: [
        { server: '*', namespace: '*' },
        { server: '!https://prod.*', namespace: '*' },
      ],
    });
    expect(isDestinationPermitted(noProd, { server: 'https://prod.example.com', namespace: 'payments' }).allowed).toBe(false);
    expect(isDestinationPermitted(noProd, { server: 'https://dev.example.com', namespace: 'payments' }).allowed).toBe(true);
  });

  it('refuses every destination when destinations is empty', () => {
    const decision = isDestinationPermitted(project({ destinations: [] }), { server: IN_CLUSTER_SERVER, namespace: 'default' });
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toMatch(/destinations is empty$/);
  });
});

describe('isKindPermitted', () => {
  it('refuses every cluster-scoped kind when clusterResourceWhitelist is empty or absent', () => {
    for (const spec of [{ clusterResourceWhitelist: [] }, {}]) {
      for (const [group, kind] of [
        ['', 'Namespace'],
        ['rbac.authorization.k8s.io', 'ClusterRole'],
        ['apiextensions.k8s.io', 'CustomResourceDefinition'],
      ] as const) {
        const decision = isKindPermitted(project(spec), group, kind, false);
        expect(decision.allowed).toBe(false);
        expect(decision.reason).toContain('clusterResourceWhitelist is empty');
      }
    }
  });

  it('permits a cluster-scoped kind the whitelist lists and refuses one it does not', () => {
    const namespaces = project({ clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }] });
    expect(isKindPermitted(namespaces, '', 'Namespace', false).allowed).toBe(true);
    expect(isKindPermitted(namespaces, 'rbac.authorization.k8s.io', 'ClusterRole', false)).toEqual({
      allowed: false,
      reason: 'AppProject payments-dev does not permit cluster-scoped ClusterRole (rbac.authorization.k8s.io): clusterResourceWhitelist does not list it',
    });
  });

  it('lets clusterResourceBlacklist refuse what a wildcard whitelist admits', () => {
    const noCrds = project({
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      clusterResourceBlacklist: [{ group: 'apiextensions.k8s.io', kind: '*' }],
    });
    expect(isKindPermitted(noCrds, 'apiextensions.k8s.io', 'CustomResourceDefinition', false).reason).toContain(
      "it is in clusterResourceBlacklist (entry {group: 'apiextensions.k8s.io', kind: '*'})",
    );
    expect(isKindPermitted(noCrds, '', 'Namespace', false).allowed).toBe(true);
  });

  it('restricts cluster-scoped rules by object name when the rule names one', () => {
    const ownNamespaces = project({ clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'payments-*' }] });
    expect(isKindPermitted(ownNamespaces, '', 'Namespace', false, 'payments-dev').allowed).toBe(true);
    expect(isKindPermitted(ownNamespaces, '', 'Namespace', false, 'kube-system').allowed).toBe(false);
  });

  it('permits every namespaced kind when namespaceResourceWhitelist is absent', () => {
    expect(isKindPermitted(project({}), 'apps', 'Deployment', true).allowed).toBe(true);
  });

  it('refuses a namespaced kind in namespaceResourceBlacklist, saying so', () => {
    const noNetpol = project({ namespaceResourceBlacklist: [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }] });
    const decision = isKindPermitted(noNetpol, 'networking.k8s.io', 'NetworkPolicy', true);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toMatch(/^AppProject payments-dev does not permit NetworkPolicy \(networking\.k8s\.io\): it is in namespaceResourceBlacklist/);
    expect(isKindPermitted(noNetpol, 'apps', 'Deployment', true).allowed).toBe(true);
  });

  it('refuses a namespaced kind a non-empty namespaceResourceWhitelist does not list', () => {
    const appsOnly = project({
      namespaceResourceWhitelist: [
        { group: 'apps', kind: 'Deploy*' },
        { group: '', kind: 'Service' },
      ],
    });
    expect(isKindPermitted(appsOnly, 'apps', 'Deployment', true).allowed).toBe(true);
    expect(isKindPermitted(appsOnly, '', 'Service', true).allowed).toBe(true);
    expect(isKindPermitted(appsOnly, '', 'Secret', true)).toEqual({
      allowed: false,
      reason: 'AppProject payments-dev does not permit Secret (core): namespaceResourceWhitelist does not list it',
    });
  });

  it('refuses every namespaced kind when namespaceResourceWhitelist is set to an empty list', () => {
    const decision = isKindPermitted(project({ namespaceResourceWhitelist: [] }), 'apps', 'Deployment', true);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('namespaceResourceWhitelist is set to an empty list');
  });

  it('keeps the core group "" apart from named groups', () => {
    const coreConfigMaps = project({ namespaceResourceWhitelist: [{ group: '', kind: 'ConfigMap' }] });
    expect(isKindPermitted(coreConfigMaps, '', 'ConfigMap', true).allowed).toBe(true);
    expect(isKindPermitted(coreConfigMaps, 'example.com', 'ConfigMap', true).allowed).toBe(false);
  });

  it('matches group and kind with filepath.Match globs, which have no braces (Go)', () => {
    const globs = project({
      namespaceResourceBlacklist: [
        { group: '*.k8s.io', kind: '[A-Z]*Policy' },
        { group: 'rbac.authorization.k8s.io', kind: '{Role,RoleBinding}' },
      ],
    });
    expect(isKindPermitted(globs, 'networking.k8s.io', 'NetworkPolicy', true).allowed).toBe(false);
    expect(isKindPermitted(globs, 'rbac.authorization.k8s.io', 'Role', true).allowed).toBe(true);
  });
});

describe('evaluateSync', () => {
  const paymentsProject = project({
    sourceRepos: ['https://github.com/acme/payments*'],
    destinations: [{ server: IN_CLUSTER_SERVER, namespace: 'payments-*' }],
    clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    namespaceResourceBlacklist: [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }],
  });

  function application(spec: Record<string, unknown> = {}, namespace = 'argocd'): unknown {
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'payments', namespace },
      spec: {
        project: 'payments-dev',
        source: { repoURL: 'https://github.com/acme/payments.git', path: 'deploy', targetRevision: 'main' },
        destination: { server: IN_CLUSTER_SERVER, namespace: 'payments-dev' },
        ...spec,
      },
    };
  }

  const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole']);
  const isNamespaced = (_apiVersion: string, kind: string) => !CLUSTER_SCOPED.has(kind);

  function object(apiVersion: string, kind: string, name: string, namespace?: string): SyncObject {
    return { apiVersion, kind, metadata: namespace === undefined ? { name } : { name, namespace } };
  }

  const deployment = object('apps/v1', 'Deployment', 'api');
  const service = object('v1', 'Service', 'api', 'payments-dev');
  const namespaceObject = object('v1', 'Namespace', 'payments-dev', 'ignored');

  function verdicts(results: ReturnType<typeof evaluateSync>): Record<string, boolean> {
    return Object.fromEntries(results.map((r) => [r.object, r.decision.allowed]));
  }

  it('permits a conforming Application: one entry per object, none for the Application', () => {
    const results = evaluateSync(paymentsProject, application(), [deployment, service, namespaceObject], isNamespaced);
    expect(results.map((r) => r.object)).toEqual(['Deployment/payments-dev/api', 'Service/payments-dev/api', 'Namespace//payments-dev']);
    expect(results.every((r) => r.decision.allowed)).toBe(true);
    expect(results[0]?.decision.reason).toBe('AppProject payments-dev permits Deployment (apps) in namespace payments-dev');
  });

  it('refuses objects whose kind the project refuses, each with its own reason', () => {
    const results = evaluateSync(
      paymentsProject,
      application(),
      [object('networking.k8s.io/v1', 'NetworkPolicy', 'deny-all'), object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'), deployment],
      isNamespaced,
    );
    expect(verdicts(results)).toEqual({
      'NetworkPolicy/payments-dev/deny-all': false,
      'ClusterRole//reader': false,
      'Deployment/payments-dev/api': true,
    });
    expect(results[0]?.decision.reason).toMatch(/it is in namespaceResourceBlacklist/);
    expect(results[1]?.decision.reason).toMatch(/clusterResourceWhitelist does not list it/);
  });

  it('refuses an object whose own namespace is outside the destinations', () => {
    const results = evaluateSync(paymentsProject, application(), [object('v1', 'ConfigMap', 'settings', 'kube-system')], isNamespaced);
    expect(results).toEqual([
      {
        object: 'ConfigMap/kube-system/settings',
        decision: {
          allowed: false,
          reason: `AppProject payments-dev does not permit destination server ${IN_CLUSTER_SERVER}, cluster in-cluster, namespace kube-system: no destinations entry matches it`,
        },
      },
    ]);
  });

  it('refuses a namespaced object when neither it nor the destination has a namespace', () => {
    const app = application({ destination: { server: IN_CLUSTER_SERVER } });
    const results = evaluateSync(paymentsProject, app, [deployment], isNamespaced);
    const entry = results.find((r) => r.object === 'Deployment//api');
    expect(entry?.decision.allowed).toBe(false);
    expect(entry?.decision.reason).toContain('is namespaced but has no namespace');
  });

  it('refuses an Application of another project, and everything it would sync', () => {
    const results = evaluateSync(paymentsProject, application({ project: 'billing-dev' }), [deployment, service], isNamespaced);
    expect(results[0]).toEqual({
      object: 'Application/argocd/payments',
      decision: {
        allowed: false,
        reason: "Application argocd/payments belongs to project 'billing-dev', not to AppProject payments-dev",
      },
    });
    expect(results.slice(1).map((r) => r.decision.allowed)).toEqual([false, false]);
    expect(results[1]?.decision.reason).toContain('Argo CD would not sync it because Application argocd/payments is refused');
  });

  it('reads an empty spec.project as the default project', () => {
    const results = evaluateSync(paymentsProject, application({ project: '' }), [], isNamespaced);
    expect(results[0]?.decision.reason).toContain("belongs to project 'default'");
  });

  it('refuses the Application for a source repo the project does not permit', () => {
    const app = application({ source: { repoURL: 'https://github.com/evil/payments', path: '.' } });
    const results = evaluateSync(paymentsProject, app, [deployment], isNamespaced);
    expect(verdicts(results)).toEqual({ 'Application/argocd/payments': false, 'Deployment/payments-dev/api': false });
    expect(results[0]?.decision.reason).toContain('does not permit source repo https://github.com/evil/payments');
  });

  it('checks every entry of spec.sources and ignores spec.source then', () => {
    const app = application({
      source: { repoURL: 'https://github.com/evil/ignored' },
      sources: [{ repoURL: 'https://github.com/acme/payments-chart' }, { repoURL: 'https://github.com/evil/values', ref: 'values' }],
    });
    const refusals = evaluateSync(paymentsProject, app, [], isNamespaced);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.decision.reason).toMatch(/https:\/\/github\.com\/evil\/values.*\(spec\.sources\[1\]\)$/);
  });

  it('refuses the Application for a destination namespace outside the project', () => {
    const app = application({ destination: { server: IN_CLUSTER_SERVER, namespace: 'kube-system' } });
    const results = evaluateSync(paymentsProject, app, [], isNamespaced);
    expect(results[0]?.decision.reason).toMatch(/namespace kube-system: no destinations entry matches it \(spec\.destination\)$/);
  });

  it('resolves a destination given by cluster name before matching it', () => {
    const app = application({ destination: { name: 'in-cluster', namespace: 'payments-dev' } });
    expect(evaluateSync(paymentsProject, app, [deployment], isNamespaced).map((r) => r.decision.allowed)).toEqual([true]);
  });

  it('refuses a destination cluster Argo CD does not know, unless it is registered', () => {
    const app = application({ destination: { name: 'prod', namespace: 'payments-dev' } });
    expect(evaluateSync(paymentsProject, app, [], isNamespaced)[0]?.decision.reason).toContain('there are no clusters with this name: prod');
    const prodProject = project({ sourceRepos: ['*'], destinations: [{ server: 'https://prod.example.com', namespace: '*' }] });
    const clusters = [{ name: 'prod', server: 'https://prod.example.com' }];
    expect(evaluateSync(prodProject, app, [deployment], isNamespaced, { clusters })[0]?.decision.allowed).toBe(true);
  });

  it('refuses a destination that sets both name and server', () => {
    const app = application({ destination: { name: 'in-cluster', server: IN_CLUSTER_SERVER, namespace: 'payments-dev' } });
    expect(evaluateSync(paymentsProject, app, [], isNamespaced)[0]?.decision.reason).toContain("destination can't have both name and server defined");
  });

  it('accepts an Application outside the Argo CD namespace only through sourceNamespaces', () => {
    const teamApp = application({}, 'team-payments');
    expect(evaluateSync(paymentsProject, teamApp, [], isNamespaced)[0]?.decision.reason).toContain('it is not in sourceNamespaces');
    const withSourceNamespaces = project({
      sourceRepos: ['*'],
      destinations: [{ server: '*', namespace: '*' }],
      sourceNamespaces: ['team-*'],
    });
    expect(evaluateSync(withSourceNamespaces, teamApp, [], isNamespaced)).toEqual([]);
  });

  it('refuses clusters not scoped to the project when permitOnlyProjectScopedClusters is set', () => {
    const scopedOnly = project({
      sourceRepos: ['*'],
      destinations: [{ server: '*', namespace: '*' }],
      permitOnlyProjectScopedClusters: true,
    });
    expect(evaluateSync(scopedOnly, application(), [], isNamespaced)[0]?.decision.reason).toContain('permitOnlyProjectScopedClusters');
    const clusters = [{ name: 'in-cluster', server: IN_CLUSTER_SERVER, project: 'payments-dev' }];
    expect(evaluateSync(scopedOnly, application(), [deployment], isNamespaced, { clusters })[0]?.decision.allowed).toBe(true);
  });
});
