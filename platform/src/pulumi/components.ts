// Pulumi components that apply the model's objects. They add no facts of their
// own: every resource's inputs are exactly one desired object, so the Pulumi
// resource set and the rendered YAML cannot drift apart.

import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { ClusterObject, K8sObject, TenantObject } from '../model/objects.js';

/** Logical Pulumi name of an object: "<namespace>/<name>", or "<name>" when cluster-scoped. */
export const logicalName = (object: K8sObject): string =>
  object.metadata?.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : (object.metadata?.name ?? '');

/** The typed @pulumi/kubernetes class for each kind the model produces (Argo CD kinds are CRDs). */
const RESOURCE_CLASSES = {
  Namespace: k8s.core.v1.Namespace,
  ResourceQuota: k8s.core.v1.ResourceQuota,
  LimitRange: k8s.core.v1.LimitRange,
  NetworkPolicy: k8s.networking.v1.NetworkPolicy,
  Role: k8s.rbac.v1.Role,
  RoleBinding: k8s.rbac.v1.RoleBinding,
  ValidatingAdmissionPolicy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding,
  AppProject: k8s.apiextensions.CustomResource,
  Application: k8s.apiextensions.CustomResource,
} satisfies Record<K8sObject['kind'], new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource>;

/** Create the typed @pulumi/kubernetes resource for one desired object. */
export function createResource(object: K8sObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  // The model's types come from kubernetes-models; Pulumi's input types describe
  // the same Kubernetes schema, so passing the object through is the point.
  return new RESOURCE_CLASSES[object.kind](logicalName(object), object as never, opts);
}

/**
 * Children do not wait for their component's dependsOn by themselves, so the
 * component hands it down: an Application really waits for its namespace's
 * guardrails and project, not just for the component wrapper.
 */
function inherited(opts: pulumi.ComponentResourceOptions | undefined): pulumi.CustomResourceOptions {
  return opts?.dependsOn ? { dependsOn: opts.dependsOn } : {};
}

export interface ClusterGuardrailsArgs {
  objects: ClusterObject[];
}

/** The cluster-wide admission policy that keeps every team's guardrails the platform's. */
export class ClusterGuardrails extends pulumi.ComponentResource {
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: ClusterGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('paved:platform:ClusterGuardrails', name, {}, opts);
    // The binding names the policy, so it waits for it.
    const [policy, ...rest] = args.objects;
    const created = policy ? [createResource(policy, { parent: this })] : [];
    this.children = [...created, ...rest.map((object) => createResource(object, { parent: this, dependsOn: created }))];
    this.registerOutputs({ objects: args.objects.map((object) => object.metadata?.name) });
  }
}

export interface TeamTenantArgs {
  objects: TenantObject[];
}

/** A team's namespace in one environment with its guardrails: quota, limits, network policies, RBAC. */
export class TeamTenant extends pulumi.ComponentResource {
  readonly namespace: pulumi.CustomResource;
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: TeamTenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super('paved:platform:TeamTenant', name, {}, opts);
    const [ns, ...rest] = args.objects;
    if (ns?.kind !== 'Namespace') throw new Error(`TeamTenant ${name}: the first object must be the Namespace`);
    this.namespace = createResource(ns, { parent: this });
    // Everything else lives in the namespace, so it waits for it (and is deleted before it).
    this.children = [this.namespace, ...rest.map((object) => createResource(object, { parent: this, dependsOn: [this.namespace] }))];
    this.registerOutputs({ namespace: ns.metadata?.name });
  }
}

export interface TeamProjectArgs {
  project: IAppProject;
}

/** The team's Argo CD AppProject for one environment. */
export class TeamProject extends pulumi.ComponentResource {
  readonly project: pulumi.CustomResource;
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: TeamProjectArgs, opts?: pulumi.ComponentResourceOptions) {
    super('paved:platform:TeamProject', name, {}, opts);
    this.project = createResource(args.project, { parent: this, ...inherited(opts) });
    this.children = [this.project];
    this.registerOutputs({ project: args.project.metadata?.name });
  }
}

export interface ServiceAppsArgs {
  apps: IApplication[];
}

/** One Argo CD Application per service of the team in one environment. */
export class ServiceApps extends pulumi.ComponentResource {
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: ServiceAppsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('paved:platform:ServiceApps', name, {}, opts);
    this.children = args.apps.map((app) => createResource(app, { parent: this, ...inherited(opts) }));
    this.registerOutputs({ applications: args.apps.map((app) => app.metadata?.name) });
  }
}
