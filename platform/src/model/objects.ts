// Builders for each desired object. Pure functions of (platform, team, env):
// no I/O, no Pulumi, and types from kubernetes-models so an unknown or
// misspelled field is a compile error rather than a silently ignored one.

import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import type { ILimitRange } from 'kubernetes-models/v1/LimitRange';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import type { IValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import type { IValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { EnvironmentConfig, PlatformConfig, ServiceConfig, TeamConfig } from '../config/types.js';
import { ANNOTATIONS, LABELS, MANAGED_BY, applicationName, namespaceName, projectName } from './names.js';

export type TenantObject = INamespace | IResourceQuota | ILimitRange | INetworkPolicy | IRole | IRoleBinding;
export type ClusterObject = IValidatingAdmissionPolicy | IValidatingAdmissionPolicyBinding;
export type K8sObject = TenantObject | IAppProject | IApplication | ClusterObject;

/**
 * Kinds only the platform creates in a team namespace: a team (by hand or through Argo CD)
 * may neither write nor sync them, so RBAC and the AppProject deny them outright.
 */
export const PLATFORM_ONLY_KINDS = [
  { group: '', kind: 'ResourceQuota', resource: 'resourcequotas' },
  { group: '', kind: 'LimitRange', resource: 'limitranges' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role', resource: 'roles' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', resource: 'rolebindings' },
] as const;

/**
 * Every kind of guardrail object the platform puts in a team namespace. NetworkPolicy is not
 * platform-only: a service ships its own policies (deploy/base/networkpolicy.yaml) and the
 * team applies them. The platform's own objects of every kind are protected by labels and the
 * admission policy below, whoever asks: a team member, Argo CD's controller, any other tool.
 */
export const GUARDRAIL_KINDS = [...PLATFORM_ONLY_KINDS, { group: 'networking.k8s.io', kind: 'NetworkPolicy', resource: 'networkpolicies' }] as const;

/** The admission policy (and its binding) that keeps the platform's objects the platform's. */
export const GUARDRAIL_POLICY = 'paved-guardrails';

export const TEAM_ROLE = 'paved-team';

const labels = (team: string, env: string, extra: Record<string, string> = {}): Record<string, string> => ({
  [LABELS.team]: team,
  [LABELS.environment]: env,
  [LABELS.managedBy]: MANAGED_BY,
  ...extra,
});

export const kubernetesGroup = (platform: PlatformConfig, team: TeamConfig): string => `${platform.identity.kubernetesGroupPrefix}${team.group}`;
export const argocdGroup = (platform: PlatformConfig, team: TeamConfig): string => `${platform.identity.argocdGroupPrefix}${team.group}`;

export function namespace(platform: PlatformConfig, team: TeamConfig, env: EnvironmentConfig): INamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespaceName(team.id, env.name),
      labels: labels(team.id, env.name, {
        [LABELS.production]: String(env.production),
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      }),
      annotations: { [ANNOTATIONS.ownerGroup]: kubernetesGroup(platform, team), [ANNOTATIONS.displayName]: team.displayName },
    },
  };
}

export function resourceQuota(team: TeamConfig, env: EnvironmentConfig): IResourceQuota {
  const override = team.environments.find((e) => e.name === env.name)?.quota ?? {};
  const hard: Record<string, string> = { ...env.quota.default, ...override };
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'team-quota', namespace: namespaceName(team.id, env.name), labels: labels(team.id, env.name) },
    spec: {
      hard: Object.fromEntries(
        Object.keys(hard)
          .sort()
          .map((key) => [key, hard[key]!]),
      ),
    },
  };
}

export function limitRange(team: TeamConfig, env: EnvironmentConfig): ILimitRange {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'team-defaults', namespace: namespaceName(team.id, env.name), labels: labels(team.id, env.name) },
    spec: {
      // With a quota on requests/limits, pods that declare none would be rejected;
      // these defaults let them schedule.
      limits: [{ type: 'Container', defaultRequest: { ...env.containerLimits.defaultRequest }, default: { ...env.containerLimits.default } }],
    },
  };
}

const nsSelector = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

export function networkPolicies(team: TeamConfig, env: EnvironmentConfig): INetworkPolicy[] {
  const ns = namespaceName(team.id, env.name);
  const meta = (name: string) => ({ name, namespace: ns, labels: labels(team.id, env.name) });
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: nsSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-same-namespace'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-ingress-controller'),
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: nsSelector(env.ingressNamespace) }] }] },
    },
    ...(env.observabilityNamespace ? [observabilityPolicy(meta('allow-observability'), env.observabilityNamespace)] : []),
  ];
}

/** OTLP ports of the OpenTelemetry collector: gRPC and HTTP. */
export const OTLP_PORTS = [4317, 4318] as const;

/** Prometheus scrapes every pod; pods send traces and metrics to the collector, nowhere else. */
function observabilityPolicy(metadata: INetworkPolicy['metadata'], namespace: string): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: nsSelector(namespace) }] }],
      egress: [{ to: [{ namespaceSelector: nsSelector(namespace) }], ports: OTLP_PORTS.map((port) => ({ protocol: 'TCP', port })) }],
    },
  };
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * Edit-like rules: workloads, their config and their own network policies, but never the
 * tenant's quota, limits or RBAC (the platform's network policies are kept by admission,
 * see clusterGuardrails). Production gets read-only access without secrets: changes there go
 * through Git and Argo CD.
 */
export function teamRules(production: boolean): IPolicyRule[] {
  const verbs = production ? READ : WRITE;
  // Fresh arrays per rule: objects must not share mutable parts (renderers
  // would emit YAML aliases, and an edit to one Role would change them all).
  const rules: IPolicyRule[] = [
    { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts'], verbs: [...verbs] },
    // Endpoints are read-only, as in Kubernetes' own edit role since 1.22: writing them sends a
    // Service's traffic anywhere, pods of other namespaces included (CVE-2021-25740).
    { apiGroups: [''], resources: ['pods/log', 'events', 'endpoints', 'resourcequotas', 'limitranges'], verbs: [...READ] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: [...READ] },
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets'], verbs: [...verbs] },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: [...verbs] },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: [...verbs] },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...verbs] },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: [...verbs] },
  ];
  if (!production) {
    rules.push({ apiGroups: [''], resources: ['secrets'], verbs: [...WRITE] });
    rules.push({ apiGroups: [''], resources: ['pods/exec', 'pods/portforward'], verbs: ['create', 'get'] });
    rules.push({ apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] });
  }
  return rules;
}

export function rbac(platform: PlatformConfig, team: TeamConfig, env: EnvironmentConfig): [IRole, IRoleBinding] {
  const ns = namespaceName(team.id, env.name);
  const access = env.production ? 'read-only' : 'edit';
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: TEAM_ROLE, namespace: ns, labels: labels(team.id, env.name, { 'paved.dev/access': access }) },
      rules: teamRules(env.production),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: TEAM_ROLE, namespace: ns, labels: labels(team.id, env.name, { 'paved.dev/access': access }) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: TEAM_ROLE },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: kubernetesGroup(platform, team) }],
    },
  ];
}

export function appProject(platform: PlatformConfig, team: TeamConfig, env: EnvironmentConfig): IAppProject {
  const project = projectName(team.id, env.name);
  const repos = [...new Set(team.services.map((service) => service.repo))].sort();
  const allow = (resource: string, action: string) => `p, proj:${project}:team, ${resource}, ${action}, ${project}/*, allow`;
  const policies = env.production
    ? [allow('applications', 'get'), allow('applications', 'sync'), allow('logs', 'get')]
    : [allow('applications', 'get'), allow('applications', 'sync'), allow('applications', 'action/*'), allow('logs', 'get'), allow('exec', 'create')];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: project,
      namespace: env.argocdNamespace,
      labels: labels(team.id, env.name),
      annotations: { [ANNOTATIONS.displayName]: team.displayName },
      // Argo CD refuses to delete a project that still has applications.
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      description: `${team.displayName} (${env.name}), managed by Paved; edit teams/${team.id}.yaml to change it`,
      sourceRepos: repos,
      destinations: [{ server: env.cluster.server, namespace: namespaceName(team.id, env.name) }],
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: PLATFORM_ONLY_KINDS.map(({ group, kind }) => ({ group, kind })),
      orphanedResources: { warn: true },
      roles: [{ name: 'team', description: `${team.displayName} members`, groups: [argocdGroup(platform, team)], policies }],
    },
  };
}

export function application(team: TeamConfig, env: EnvironmentConfig, service: ServiceConfig): IApplication {
  const ns = namespaceName(team.id, env.name);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: applicationName(team.id, service.name, env.name),
      namespace: env.argocdNamespace,
      labels: labels(team.id, env.name, { [LABELS.service]: service.name, [LABELS.tier]: service.tier }),
      annotations: { [ANNOTATIONS.repo]: service.repo },
      // Deleting the Application deletes what it deployed, so removing a service cleans up.
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: projectName(team.id, env.name),
      source: { repoURL: service.repo, path: service.paths[env.name] ?? `deploy/overlays/${env.name}`, targetRevision: service.targetRevision },
      destination: { server: env.cluster.server, namespace: ns },
      syncPolicy: env.autoSync
        ? {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['PruneLast=true'],
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          }
        : { syncOptions: ['PruneLast=true'] },
      revisionHistoryLimit: 10,
    },
  };
}

/** The users Kubernetes' garbage collector acts as (see clusterGuardrails). */
export const GARBAGE_COLLECTOR_USERS = ['system:serviceaccount:kube-system:generic-garbage-collector', 'system:kube-controller-manager'] as const;

/** CEL: the object's name; request.name is empty when a whole collection is deleted. */
const NAME = '(oldObject != null ? oldObject.metadata.name : object.metadata.name)';

/** CEL: the request's object (or old object) carries the platform's managed-by label. */
const isPlatforms = (root: 'object' | 'oldObject'): string =>
  `${root} != null && has(${root}.metadata.labels) && '${LABELS.managedBy}' in ${root}.metadata.labels && ${root}.metadata.labels['${LABELS.managedBy}'] == '${MANAGED_BY}'`;

/**
 * The platform's guardrail objects stay the platform's: a ValidatingAdmissionPolicy, bound to
 * every namespace the platform manages, refuses anyone but the platform's own identities
 * (identity.platformGroups) to change or delete an object labelled as the platform's, or to
 * put that label on an object. RBAC alone cannot say this: a team may write network policies
 * (its services ship their own), and Argo CD's controller may write anything it syncs.
 * Deletes inside a terminating namespace pass, so removing a team still cleans up; so do
 * the garbage collector's updates of an object whose deletion was already admitted: that is how
 * it finishes a foreground deletion (Pulumi deletes that way), by removing the foregroundDeletion
 * finalizer. Its user is its own service account where the controller manager uses one per
 * controller (kubeadm and managed clusters do), else the controller manager's.
 */
export function clusterGuardrails(platform: PlatformConfig): ClusterObject[] {
  const metadata = { name: GUARDRAIL_POLICY, labels: { [LABELS.managedBy]: MANAGED_BY } };
  const groups = platform.identity.platformGroups.map((group) => JSON.stringify(group)).join(', ');
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { ...metadata, labels: { ...metadata.labels } },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          // The team namespaces themselves too: their Pod Security and ownership labels are guardrails.
          resourceRules: [...new Set(GUARDRAIL_KINDS.map((entry) => entry.group))].map((group) => ({
            apiGroups: [group],
            apiVersions: ['*'],
            operations: ['CREATE' as const, 'UPDATE' as const, 'DELETE' as const],
            resources: [...(group === '' ? ['namespaces'] : []), ...GUARDRAIL_KINDS.filter((entry) => entry.group === group).map((entry) => entry.resource)],
          })),
        },
        matchConditions: [{ name: 'not-the-platform', expression: `!request.userInfo.groups.exists(group, group in [${groups}])` }],
        variables: [
          { name: 'wasPlatforms', expression: isPlatforms('oldObject') },
          { name: 'isPlatforms', expression: isPlatforms('object') },
          {
            name: 'namespaceEnding',
            expression: "request.operation == 'DELETE' && namespaceObject != null && has(namespaceObject.metadata.deletionTimestamp)",
          },
          {
            name: 'collectorFinishesDeletion',
            expression: `request.operation == 'UPDATE' && has(oldObject.metadata.deletionTimestamp) && request.userInfo.username in [${GARBAGE_COLLECTOR_USERS.map((user) => JSON.stringify(user)).join(', ')}]`,
          },
        ],
        validations: [
          {
            expression: '!variables.wasPlatforms || variables.namespaceEnding || variables.collectorFinishesDeletion',
            messageExpression: `request.kind.kind + ' ' + ${NAME} + ' is a guardrail of the Paved platform (${LABELS.managedBy}=${MANAGED_BY}); only the platform changes or deletes it: propose the change in teams/<team>.yaml or platform.yaml'`,
            reason: 'Forbidden',
          },
          {
            expression: "request.operation == 'DELETE' || variables.collectorFinishesDeletion || !variables.isPlatforms",
            messageExpression: `'only the Paved platform may label objects ${LABELS.managedBy}=${MANAGED_BY}; give ' + request.kind.kind + ' ' + ${NAME} + ' another ${LABELS.managedBy} value'`,
            reason: 'Forbidden',
          },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { ...metadata, labels: { ...metadata.labels } },
      spec: {
        policyName: GUARDRAIL_POLICY,
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: {
            matchLabels: { [LABELS.managedBy]: MANAGED_BY },
            matchExpressions: [{ key: LABELS.team, operator: 'Exists' }],
          },
        },
      },
    },
  ];
}
