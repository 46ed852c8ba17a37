export type { Finding } from './finding.js';
export { formatFindings } from './finding.js';
export { toolsDir, toolPath } from './tools-dir.js';
export { actionlint } from './actionlint.js';
export { zizmor } from './zizmor.js';
export { hadolint } from './hadolint.js';
export { kustomizeBuild } from './kustomize.js';
export { kubeconform, DEFAULT_KUBERNETES_VERSION } from './kubeconform.js';
export { serviceNode, envWithServiceNode } from './service-node.js';
export type { ServiceNode } from './service-node.js';
export { testTempDir } from './temp-dir.js';
export { run, toolFailure } from './run.js';
export type { RunResult, RunOptions } from './run.js';
export { startControlPlane, ADMIN_USER } from './cluster/control-plane.js';
export type { ControlPlane } from './cluster/control-plane.js';
export { KubeClient } from './cluster/kube-client.js';
export { waitUntil } from './cluster/wait.js';
export { writeKubeconfig } from './cluster/kubeconfig.js';
export { pulumiEnv } from './pulumi-env.js';
export type { Access, Connection, Identity, KubeObject, Reply } from './cluster/kube-client.js';
export { isSourcePermitted, isDestinationPermitted, isKindPermitted, evaluateSync, normalizeRepoURL, IN_CLUSTER } from './argocd-project.js';
export type {
  ProjectDecision,
  ProjectDestination,
  SyncObject,
  SyncObjectDecision,
  ArgoCluster,
  EvaluateSyncOptions,
} from './argocd-project.js';
