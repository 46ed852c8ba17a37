// Pods the tests create by hand to meet Pod Security, the LimitRange and the quota.
import type { KubeObject } from '@paved/testkit';

/** Never pulled: no kubelet runs, pods only need to be admitted. */
export const IMAGE = 'registry.example.com/acme/checkout:1.0.0';

export interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** A pod spec Pod Security "restricted" admits: non-root, RuntimeDefault seccomp, no capabilities, no privilege escalation. */
export const compliantPodSpec = (resources?: Resources) => ({
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      image: IMAGE,
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      ...(resources ? { resources } : {}),
    },
  ],
});

export const pod = (name: string, namespace: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec,
});
