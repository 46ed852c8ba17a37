/**
 * The rules of artifact-rules.ts catch what they claim to: each broken variant of a good
 * Dockerfile or pod spec is reported, the good ones are not.
 */
import { describe, expect, it } from 'vitest';
import { dockerfileProblems, podSecurityProblems, resolvePort } from './artifact-rules.js';

const DIGEST = `@sha256:${'a'.repeat(64)}`;
const GOOD = [
  '# Build tools. Tag: golang:1.26-bookworm',
  `FROM golang:1.26-bookworm${DIGEST} AS build`,
  'RUN go build -o /out/server .',
  '',
  'FROM build AS test',
  'RUN go test ./...',
  '',
  '# Tag: gcr.io/distroless/static:nonroot, pinned by digest',
  `FROM gcr.io/distroless/static:nonroot${DIGEST}`,
  'COPY --from=build /out/server /app/server',
  'ENV PORT=8123 \\',
  '    HOST=0.0.0.0',
  'USER 10001:10001',
  'EXPOSE 8123',
  'HEALTHCHECK --interval=30s CMD ["/app/server", "healthcheck"]',
  'ENTRYPOINT ["/app/server"]',
].join('\n');

describe('dockerfileProblems', () => {
  it('accepts a Dockerfile that follows every rule, stage references included', () => {
    expect(dockerfileProblems(GOOD, 8123)).toEqual([]);
  });

  it.each([
    ['an unpinned BuildKit frontend', `# syntax=docker/dockerfile:1\n${GOOD}`, /the BuildKit frontend docker\/dockerfile:1 is not pinned by digest/],
    ['an unpinned base', GOOD.replace(`nonroot${DIGEST}`, 'nonroot'), /FROM gcr\.io\/distroless\/static:nonroot is not pinned/],
    ['a tag missing from the comment', GOOD.replace('# Tag: gcr.io/distroless/static:nonroot, pinned by digest\n', ''), /does not name its tag/],
    [
      'a comment separated by a blank line',
      GOOD.replace('# Build tools. Tag: golang:1.26-bookworm\n', '# Build tools. Tag: golang:1.26-bookworm\n\n'),
      /golang does not name its tag/,
    ],
    ['no USER', GOOD.replace('USER 10001:10001\n', ''), /no USER/],
    ['a named USER', GOOD.replace('USER 10001:10001', 'USER app'), /not numeric/],
    ['USER root by number', GOOD.replace('USER 10001:10001', 'USER 0'), /is root/],
    ['a USER only in the build stage', GOOD.replace('USER 10001:10001\n', '').replace('RUN go build', 'USER 10001\nRUN go build'), /no USER/],
    ['no HEALTHCHECK', GOOD.replace(/^HEALTHCHECK .*\n/m, ''), /no HEALTHCHECK/],
    ['HEALTHCHECK NONE', GOOD.replace(/^HEALTHCHECK .*$/m, 'HEALTHCHECK NONE'), /HEALTHCHECK NONE/],
    ['EXPOSE of another port', GOOD.replace('EXPOSE 8123', 'EXPOSE 8080'), /EXPOSE 8080, the port parameter is 8123/],
    ['ENV PORT of another port', GOOD.replace('PORT=8123', 'PORT=8080'), /ENV PORT=8080/],
  ])('reports %s', (_label, dockerfile, problem) => {
    expect(dockerfileProblems(dockerfile, 8123).join('\n')).toMatch(problem);
  });

  it('accepts a documented reason for having no HEALTHCHECK', () => {
    const documented = GOOD.replace(/^HEALTHCHECK .*$/m, '# No HEALTHCHECK: the orchestrator probes /healthz itself');
    expect(dockerfileProblems(documented, 8123)).toEqual([]);
  });
});

const container = (): Record<string, unknown> => ({
  name: 'app',
  ports: [{ name: 'http', containerPort: 8123 }],
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
});
const pod = (changes: Record<string, unknown> = {}, containerChanges: Record<string, unknown> = {}): Record<string, unknown> => ({
  automountServiceAccountToken: false,
  volumes: [{ name: 'tmp', emptyDir: {} }],
  containers: [{ ...container(), ...containerChanges }],
  ...changes,
});
const securityContext = (changes: Record<string, unknown>): Record<string, unknown> => ({
  securityContext: { ...(container()['securityContext'] as object), ...changes },
});

describe('podSecurityProblems', () => {
  it('accepts a restricted pod', () => {
    expect(podSecurityProblems(pod())).toEqual([]);
  });

  it.each([
    ['hostNetwork', pod({ hostNetwork: true }), /hostNetwork/],
    ['a mounted token', pod({ automountServiceAccountToken: true }), /automountServiceAccountToken/],
    ['a hostPath volume', pod({ volumes: [{ name: 'h', hostPath: { path: '/' } }] }), /type hostPath/],
    ['privilege escalation', pod({}, securityContext({ allowPrivilegeEscalation: true })), /allowPrivilegeEscalation/],
    ['capabilities kept', pod({}, securityContext({ capabilities: { drop: ['NET_RAW'] } })), /drop ALL/],
    ['a capability added', pod({}, securityContext({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })), /SYS_ADMIN/],
    ['root allowed', pod({}, securityContext({ runAsNonRoot: false })), /runAsNonRoot/],
    ['no seccomp profile', pod({}, securityContext({ seccompProfile: undefined })), /seccompProfile/],
    ['a writable root filesystem', pod({}, securityContext({ readOnlyRootFilesystem: false })), /readOnlyRootFilesystem/],
    ['no limits', pod({}, { resources: { requests: { cpu: '1', memory: '1Gi' } } }), /limits/],
    ['a privileged init container', pod({ initContainers: [{ ...container(), name: 'init', ...securityContext({ privileged: true }) }] }), /init: privileged/],
  ])('reports %s', (_label, spec, problem) => {
    expect(podSecurityProblems(spec).join('\n')).toMatch(problem);
  });

  it('takes runAsNonRoot and seccomp from the pod when the container does not set them', () => {
    const spec = pod(
      { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } },
      securityContext({ runAsNonRoot: undefined, seccompProfile: undefined }),
    );
    expect(podSecurityProblems(spec)).toEqual([]);
  });
});

describe('resolvePort', () => {
  it('resolves a named port through the container and passes a number through', () => {
    expect(resolvePort(container(), 'http')).toBe(8123);
    expect(resolvePort(container(), 9000)).toBe(9000);
    expect(resolvePort(container(), 'metrics')).toBeUndefined();
  });
});
