import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFindings, kubeconform, kustomizeBuild, testTempDir } from '../src/index.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
`;

const APPLICATION = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-dev
  namespace: argocd
spec:
  project: team-a
  source:
    repoURL: https://git.example.com/acme/web.git
    targetRevision: main
    path: deploy/overlays/dev
  destination:
    server: https://kubernetes.default.svc
    namespace: team-a-dev
  syncPolicy:
    automated: {prune: true, selfHeal: true}
`;

const APP_PROJECT = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: team-a, namespace: argocd}
spec:
  sourceRepos: [https://git.example.com/acme/*]
  destinations: [{server: https://kubernetes.default.svc, namespace: team-a-*}]
`;

describe('kubeconform (offline, strict)', () => {
  it('accepts valid Kubernetes and Argo CD objects', async () => {
    const findings = await kubeconform([DEPLOYMENT, APPLICATION, APP_PROJECT].join('---\n'));
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it('rejects an unknown field and a wrong type in a Deployment', async () => {
    const bad = DEPLOYMENT.replace('replicas: 2', 'replicas: "two"').replace('- name: web\n', '- name: web\n          imagePullPolicyy: Always\n');
    const messages = (await kubeconform(bad)).map((f) => f.message).join('\n');
    expect(messages).toMatch(/replicas.*got string, want null or integer/);
    expect(messages).toMatch(/additional properties 'imagePullPolicyy' not allowed/);
  });

  it('rejects an unknown field in an Argo CD Application', async () => {
    const bad = APPLICATION.replace('  project: team-a\n', '  project: team-a\n  autoSync: true\n');
    const findings = await kubeconform(bad);
    expect(formatFindings(findings)).toMatch(/Application web-dev.*autoSync/);
  });

  it('reports a kind without a schema instead of skipping it', async () => {
    const findings = await kubeconform('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect(findings).toEqual([expect.objectContaining({ tool: 'kubeconform', message: expect.stringMatching(/Widget w.*could not find schema/) })]);
  });

  it('refuses a Kubernetes version it has no schemas for', async () => {
    await expect(kubeconform(DEPLOYMENT, { kubernetesVersion: '1.2.3' })).rejects.toThrow(/no schemas for Kubernetes 1.2.3/);
  });
});

describe('kustomizeBuild', () => {
  function kustomization(files: Record<string, string>): string {
    const dir = testTempDir('paved-testkit-kustomize-');
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  }

  it('renders an overlay that validates', async () => {
    const dir = kustomization({
      'base/deployment.yaml': DEPLOYMENT,
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'overlays/dev/kustomization.yaml': 'resources: [../../base]\nnamespace: team-a-dev\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1.2.3\n',
    });
    const yaml = await kustomizeBuild(join(dir, 'overlays/dev'));
    expect(yaml).toContain('namespace: team-a-dev');
    expect(yaml).toContain('image: ghcr.io/acme/web:1.2.3');
    expect(await kubeconform(yaml)).toEqual([]);
  });

  it("throws with kustomize's error for a missing resource", async () => {
    const dir = kustomization({ 'kustomization.yaml': 'resources: [nope.yaml]\n' });
    await expect(kustomizeBuild(dir)).rejects.toThrow(/kustomize build .* failed[\s\S]*nope\.yaml/);
  });
});
