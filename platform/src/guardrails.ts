// Guardrails: pure predicates over desired objects. The same rules run in
// tests, in `paved platform check` and in the Pulumi policy pack, so they take
// loosely typed objects (Pulumi hands over plain property bags) and never trust
// that a field exists.

import { ANNOTATIONS, LABELS } from './model/names.js';
import { GUARDRAIL_KINDS, GUARDRAIL_POLICY, PLATFORM_ONLY_KINDS } from './model/objects.js';

/** Any Kubernetes-shaped object; fields are checked, not assumed. */
export interface LooseObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
}

export interface Violation {
  rule: string;
  /** kind/namespace/name of the offending object (or the namespace missing something). */
  object: string;
  message: string;
}

export interface Guardrail {
  id: string;
  description: string;
  check(objects: ReadonlyArray<LooseObject>): Violation[];
}

// ---- safe accessors ------------------------------------------------------------

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);
const dict = (value: unknown): Dict => (isDict(value) ? value : {});
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const strs = (value: unknown): string[] => arr(value).filter((item): item is string => typeof item === 'string');
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const meta = (object: LooseObject) => dict(object.metadata);
const nameOf = (object: LooseObject) => str(meta(object).name) ?? '';
const namespaceOf = (object: LooseObject) => str(meta(object).namespace) ?? '';
const labelOf = (object: LooseObject, key: string) => str(dict(meta(object).labels)[key]);
const kindOf = (object: LooseObject) => str(object.kind) ?? '';
const field = (object: LooseObject, name: string): unknown => (object as Record<string, unknown>)[name];
const spec = (object: LooseObject) => dict(field(object, 'spec'));
export const objectId = (object: LooseObject) => `${kindOf(object)}/${namespaceOf(object) ? `${namespaceOf(object)}/` : ''}${nameOf(object)}`;

/** Argo CD treats these characters as patterns in sourceRepos and destinations. */
const hasPattern = (text: string) => /[*?[\]!]/.test(text);

const READ_VERBS = new Set(['get', 'list', 'watch']);
const PLATFORM_ONLY_RESOURCES = new Set<string>(PLATFORM_ONLY_KINDS.map((entry) => entry.resource));
const ESCALATING_VERBS = new Set(['escalate', 'bind', 'impersonate', '*']);

interface Index {
  teamNamespaces: LooseObject[];
  byKind: Map<string, LooseObject[]>;
  inNamespace: (kind: string, namespace: string) => LooseObject[];
  namespace: (name: string) => LooseObject | undefined;
}

function index(objects: ReadonlyArray<LooseObject>): Index {
  const byKind = new Map<string, LooseObject[]>();
  const byKindNs = new Map<string, LooseObject[]>();
  for (const object of objects) {
    const kind = kindOf(object);
    const sameKind = byKind.get(kind);
    if (sameKind) sameKind.push(object);
    else byKind.set(kind, [object]);
    const key = `${kind}/${namespaceOf(object)}`;
    const list = byKindNs.get(key);
    if (list) list.push(object);
    else byKindNs.set(key, [object]);
  }
  const namespaces = new Map((byKind.get('Namespace') ?? []).map((ns) => [nameOf(ns), ns]));
  return {
    byKind,
    teamNamespaces: [...namespaces.values()].filter((ns) => labelOf(ns, LABELS.team) !== undefined),
    inNamespace: (kind, ns) => byKindNs.get(`${kind}/${ns}`) ?? [],
    namespace: (name) => namespaces.get(name),
  };
}

const of = (idx: Index, kind: string) => idx.byKind.get(kind) ?? [];
const violation = (rule: string, object: LooseObject | string, message: string): Violation => ({
  rule,
  object: typeof object === 'string' ? object : objectId(object),
  message,
});

// ---- the rules ---------------------------------------------------------------------

type Rule = Omit<Guardrail, 'check'> & { run(idx: Index, rule: string): Violation[] };

const RULES: Rule[] = [
  {
    id: 'namespace-pod-security',
    description: 'Every team namespace enforces, audits and warns at Pod Security level "restricted".',
    run: (idx, rule) =>
      idx.teamNamespaces.flatMap((ns) =>
        ['enforce', 'audit', 'warn']
          .filter((mode) => labelOf(ns, `pod-security.kubernetes.io/${mode}`) !== 'restricted')
          .map((mode) => violation(rule, ns, `label pod-security.kubernetes.io/${mode} must be "restricted"`)),
      ),
  },
  {
    id: 'namespace-has-quota',
    description: 'Every team namespace has a ResourceQuota limiting CPU and memory.',
    run: (idx, rule) =>
      idx.teamNamespaces.flatMap((ns) => {
        const hard = idx.inNamespace('ResourceQuota', nameOf(ns)).map((quota) => dict(spec(quota).hard));
        const covers = (key: string) => hard.some((h) => key in h);
        return ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']
          .filter((key) => !covers(key))
          .map((key) => violation(rule, ns, `no ResourceQuota in the namespace sets ${key}`));
      }),
  },
  {
    id: 'namespace-has-limits',
    description: 'Every team namespace has a LimitRange giving containers default requests and limits.',
    run: (idx, rule) =>
      idx.teamNamespaces.flatMap((ns) => {
        const ok = idx.inNamespace('LimitRange', nameOf(ns)).some((lr) =>
          arr(spec(lr).limits).some((limit) => {
            const l = dict(limit);
            return l.type === 'Container' && isDict(l.default) && isDict(l.defaultRequest);
          }),
        );
        return ok ? [] : [violation(rule, ns, 'no LimitRange with Container default and defaultRequest')];
      }),
  },
  {
    id: 'namespace-default-deny',
    description: 'Every team namespace has a NetworkPolicy that selects all pods and denies all ingress and egress.',
    run: (idx, rule) =>
      idx.teamNamespaces.flatMap((ns) => {
        const ok = idx.inNamespace('NetworkPolicy', nameOf(ns)).some((policy) => {
          const s = spec(policy);
          const selector = dict(s.podSelector);
          const types = strs(s.policyTypes);
          return (
            isDict(s.podSelector) &&
            Object.keys(dict(selector.matchLabels)).length === 0 &&
            arr(selector.matchExpressions).length === 0 &&
            types.includes('Ingress') &&
            types.includes('Egress') &&
            arr(s.ingress).length === 0 &&
            arr(s.egress).length === 0
          );
        });
        return ok ? [] : [violation(rule, ns, 'no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)')];
      }),
  },
  {
    id: 'no-cluster-rbac',
    description: 'Teams get no cluster-wide rights: no ClusterRole or ClusterRoleBinding, and RoleBindings refer to Roles only.',
    run: (idx, rule) => [
      ...[...of(idx, 'ClusterRole'), ...of(idx, 'ClusterRoleBinding')].map((object) =>
        violation(rule, object, `${kindOf(object)} grants cluster-wide rights; teams get namespaced Roles only`),
      ),
      ...of(idx, 'RoleBinding')
        .filter((binding) => dict(field(binding, 'roleRef')).kind !== 'Role')
        .map((binding) => violation(rule, binding, `roleRef must be a Role in the same namespace, got ${String(dict(field(binding, 'roleRef')).kind)}`)),
    ],
  },
  {
    id: 'rbac-owner-only',
    description: "RoleBindings in a team namespace bind only that namespace's owner group.",
    run: (idx, rule) =>
      of(idx, 'RoleBinding').flatMap((binding) => {
        const ns = idx.namespace(namespaceOf(binding));
        if (!ns || labelOf(ns, LABELS.team) === undefined) return [];
        const owner = str(dict(meta(ns).annotations)[ANNOTATIONS.ownerGroup]);
        return arr(field(binding, 'subjects'))
          .map(dict)
          .filter((subject) => subject.kind !== 'Group' || subject.name !== owner)
          .map((subject) =>
            violation(rule, binding, `subject ${String(subject.kind)} "${String(subject.name)}" is not the namespace owner group "${owner ?? '(none)'}"`),
          );
      }),
  },
  {
    id: 'rbac-no-guardrail-write',
    description: 'Team Roles use no wildcards or escalating verbs and cannot change quotas, limits or RBAC.',
    run: (idx, rule) =>
      of(idx, 'Role').flatMap((role) =>
        arr(field(role, 'rules')).flatMap((raw) => {
          const r = dict(raw);
          const verbs = strs(r.verbs);
          const resources = strs(r.resources);
          const found: Violation[] = [];
          if ([...strs(r.apiGroups), ...resources].includes('*')) found.push(violation(rule, role, 'rule uses "*" for API groups or resources'));
          const escalating = verbs.filter((verb) => ESCALATING_VERBS.has(verb));
          if (escalating.length) found.push(violation(rule, role, `rule grants ${escalating.join(', ')}`));
          const writes = verbs.filter((verb) => !READ_VERBS.has(verb));
          const guarded = resources.filter((resource) => PLATFORM_ONLY_RESOURCES.has(resource));
          if (writes.length && guarded.length) found.push(violation(rule, role, `rule lets the team ${writes.join(', ')} ${guarded.join(', ')}`));
          return found;
        }),
      ),
  },
  {
    id: 'production-read-only',
    description: 'In production namespaces team Roles only read (no secrets) and Applications do not sync automatically.',
    run: (idx, rule) => {
      const production = new Set(idx.teamNamespaces.filter((ns) => labelOf(ns, LABELS.production) === 'true').map(nameOf));
      return [
        ...of(idx, 'Role')
          .filter((role) => production.has(namespaceOf(role)))
          .flatMap((role) =>
            arr(field(role, 'rules')).flatMap((raw) => {
              const r = dict(raw);
              const writes = strs(r.verbs).filter((verb) => !READ_VERBS.has(verb));
              const found: Violation[] = [];
              if (writes.length)
                found.push(
                  violation(rule, role, `production Role grants ${writes.join(', ')} on ${strs(r.resources).join(', ')}; production changes go through GitOps`),
                );
              if (strs(r.resources).includes('secrets')) found.push(violation(rule, role, 'production Role can read secrets'));
              return found;
            }),
          ),
        ...of(idx, 'Application')
          .filter((app) => production.has(str(dict(spec(app).destination).namespace) ?? '') && dict(spec(app).syncPolicy).automated !== undefined)
          .map((app) => violation(rule, app, 'Application in production syncs automatically; production syncs are manual')),
      ];
    },
  },
  {
    id: 'appproject-no-wildcards',
    description: 'No AppProject allows wildcard or pattern source repositories, destinations or role groups.',
    run: (idx, rule) =>
      of(idx, 'AppProject').flatMap((project) => {
        const s = spec(project);
        const found: Violation[] = [];
        for (const repo of strs(s.sourceRepos))
          if (hasPattern(repo)) found.push(violation(rule, project, `sourceRepos entry "${repo}" is a pattern; list the team's repositories explicitly`));
        for (const raw of arr(s.destinations)) {
          const d = dict(raw);
          for (const key of ['server', 'name', 'namespace'])
            if (typeof d[key] === 'string' && hasPattern(d[key]))
              found.push(violation(rule, project, `destination ${key} "${d[key]}" is a pattern; list the team's namespaces explicitly`));
          if (d.namespace === undefined) found.push(violation(rule, project, 'destination without a namespace allows every namespace'));
        }
        for (const raw of arr(s.roles))
          for (const group of strs(dict(raw).groups)) if (hasPattern(group)) found.push(violation(rule, project, `role group "${group}" is a pattern`));
        return found;
      }),
  },
  {
    id: 'appproject-no-cluster-resources',
    description: 'No AppProject whitelists cluster-scoped resources.',
    run: (idx, rule) =>
      of(idx, 'AppProject')
        .filter((project) => arr(spec(project).clusterResourceWhitelist).length > 0)
        .map((project) => violation(rule, project, 'clusterResourceWhitelist must be empty: teams deploy namespaced resources only')),
  },
  {
    id: 'appproject-denies-guardrails',
    description: 'Every AppProject denies the platform-only kinds (ResourceQuota, LimitRange, Role, RoleBinding).',
    run: (idx, rule) =>
      of(idx, 'AppProject').flatMap((project) => {
        const s = spec(project);
        const denied = arr(s.namespaceResourceBlacklist).map(dict);
        const allowed = arr(s.namespaceResourceWhitelist).map(dict);
        const found: Violation[] = [];
        for (const { group, kind } of PLATFORM_ONLY_KINDS) {
          if (!denied.some((entry) => entry.group === group && entry.kind === kind))
            found.push(violation(rule, project, `namespaceResourceBlacklist must deny ${group || 'core'}/${kind}`));
          if (allowed.some((entry) => (entry.group === group || entry.group === '*') && (entry.kind === kind || entry.kind === '*')))
            found.push(violation(rule, project, `namespaceResourceWhitelist allows ${group || 'core'}/${kind}`));
        }
        return found;
      }),
  },
  {
    id: 'appproject-own-namespaces',
    description: "Every team AppProject's destinations are namespaces of that same team.",
    run: (idx, rule) =>
      of(idx, 'AppProject').flatMap((project) => {
        const team = labelOf(project, LABELS.team);
        return arr(spec(project).destinations)
          .map(dict)
          .filter((d) => {
            const ns = idx.namespace(str(d.namespace) ?? '');
            return !ns || team === undefined || labelOf(ns, LABELS.team) !== team;
          })
          .map((d) => violation(rule, project, `destination namespace "${String(d.namespace)}" is not a namespace of team "${team ?? '(unlabelled)'}"`));
      }),
  },
  {
    id: 'application-own-project',
    description: "Every Application uses its own team's AppProject, a repository that project allows and a namespace of its team.",
    run: (idx, rule) => {
      const projects = new Map(of(idx, 'AppProject').map((p) => [`${namespaceOf(p)}/${nameOf(p)}`, p]));
      // one set per project, not per Application: a team with thousands of services has
      // thousands of repositories in its project (built per Application, the check was quadratic)
      const repositories = new Map<LooseObject, Set<string>>();
      const repositoriesOf = (project: LooseObject): Set<string> => {
        let repos = repositories.get(project);
        if (!repos) repositories.set(project, (repos = new Set(strs(spec(project).sourceRepos))));
        return repos;
      };
      return of(idx, 'Application').flatMap((app) => {
        const team = labelOf(app, LABELS.team);
        const s = spec(app);
        const projectName = str(s.project) ?? '';
        const project = projects.get(`${namespaceOf(app)}/${projectName}`);
        if (!project || labelOf(project, LABELS.team) !== team)
          return [violation(rule, app, `project "${projectName}" is not an AppProject of team "${team ?? '(unlabelled)'}" in ${namespaceOf(app)}`)];
        const found: Violation[] = [];
        const repos = repositoriesOf(project);
        const sources = [...(isDict(s.source) ? [s.source] : []), ...arr(s.sources)].map(dict);
        for (const source of sources)
          if (!repos.has(str(source.repoURL) ?? ''))
            found.push(violation(rule, app, `source ${String(source.repoURL)} is not one of project "${projectName}"'s repositories`));
        const dest = dict(s.destination);
        const destinations = arr(spec(project).destinations).map(dict);
        const ns = idx.namespace(str(dest.namespace) ?? '');
        if (!ns || labelOf(ns, LABELS.team) !== team || !destinations.some((d) => d.namespace === dest.namespace && d.server === dest.server))
          found.push(
            violation(
              rule,
              app,
              `destination ${String(dest.server)} ${String(dest.namespace)} is not a namespace of team "${team ?? '(unlabelled)'}" allowed by its project`,
            ),
          );
        if (!strs(meta(app).finalizers).includes('resources-finalizer.argocd.argoproj.io'))
          found.push(violation(rule, app, 'missing finalizer resources-finalizer.argocd.argoproj.io, so deleting it would leave its resources behind'));
        return found;
      });
    },
  },
  {
    id: 'admission-protects-guardrails',
    description: `The ${GUARDRAIL_POLICY} admission policy covers every guardrail kind, fails closed and is bound with Deny to the platform's namespaces.`,
    run: (idx, rule) => {
      const policies = of(idx, 'ValidatingAdmissionPolicy').filter((policy) => nameOf(policy) === GUARDRAIL_POLICY);
      const bindings = of(idx, 'ValidatingAdmissionPolicyBinding').filter((binding) => str(spec(binding).policyName) === GUARDRAIL_POLICY);
      const found: Violation[] = [];
      for (const policy of policies) {
        const s = spec(policy);
        if (s.failurePolicy !== 'Fail') found.push(violation(rule, policy, 'failurePolicy must be Fail: an error in the policy must refuse, not admit'));
        const rules = arr(dict(s.matchConstraints).resourceRules).map(dict);
        for (const { group, resource } of GUARDRAIL_KINDS) {
          const covered = rules.some(
            (r) =>
              strs(r.apiGroups).includes(group) &&
              strs(r.resources).includes(resource) &&
              ['CREATE', 'UPDATE', 'DELETE'].every((op) => strs(r.operations).includes(op) || strs(r.operations).includes('*')),
          );
          if (!covered) found.push(violation(rule, policy, `does not cover CREATE, UPDATE and DELETE of ${resource}`));
        }
        if (arr(s.validations).length === 0) found.push(violation(rule, policy, 'has no validations'));
        if (!bindings.length) found.push(violation(rule, policy, `no ValidatingAdmissionPolicyBinding refers to ${GUARDRAIL_POLICY}, so it applies nowhere`));
      }
      for (const binding of bindings) {
        const s = spec(binding);
        if (!strs(s.validationActions).includes('Deny')) found.push(violation(rule, binding, 'validationActions must include Deny'));
        const selector = dict(dict(s.matchResources).namespaceSelector);
        if (dict(selector.matchLabels)[LABELS.managedBy] === undefined && arr(selector.matchExpressions).length === 0)
          found.push(violation(rule, binding, "namespaceSelector must select the platform's namespaces"));
        if (!policies.length) found.push(violation(rule, binding, `the policy ${GUARDRAIL_POLICY} it binds is missing`));
      }
      return found;
    },
  },
];

export const GUARDRAILS: Guardrail[] = RULES.map(({ run, ...rule }) => ({ ...rule, check: (objects) => run(index(objects), rule.id) }));

/** Run every guardrail once over the objects (indexing them once). */
export function checkGuardrails(objects: ReadonlyArray<LooseObject>): Violation[] {
  const idx = index(objects);
  return RULES.flatMap((rule) => rule.run(idx, rule.id));
}

export const formatViolation = (v: Violation): string => `[${v.rule}] ${v.object}: ${v.message}`;
