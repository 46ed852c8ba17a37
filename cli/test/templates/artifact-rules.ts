/**
 * The rules artifacts.test.ts holds every generated service to, as functions that return the
 * problems they find (one readable line each, empty when all is well), so a failing test says
 * exactly which rule broke where instead of stopping at the first mismatch.
 */

/** One Dockerfile instruction, continuation lines joined, with the comment block right above it. */
export interface DockerInstruction {
  line: number;
  keyword: string;
  args: string;
  comments: string[];
}

export function dockerInstructions(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let comments: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line === '') {
      comments = [];
      continue;
    }
    if (line.startsWith('#')) {
      comments.push(line);
      continue;
    }
    const start = i + 1;
    let joined = line;
    while (joined.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      const next = (lines[i] ?? '').trim();
      joined = `${joined.slice(0, -1).trimEnd()} ${next.startsWith('#') ? '' : next}`.trimEnd();
    }
    const [keyword = '', ...rest] = joined.split(/\s+/);
    instructions.push({ line: start, keyword: keyword.toUpperCase(), args: rest.join(' '), comments });
    comments = [];
  }
  return instructions;
}

const DIGEST_REF = /^(\S+?)(?::([\w][\w.-]{0,127}))?@sha256:[0-9a-f]{64}$/;

/**
 * Base images pinned by digest with their tag in the comment right above the FROM; the final
 * stage runs as a numeric non-root user, has a HEALTHCHECK (or a comment saying why not:
 * `# No HEALTHCHECK: <reason>`), and every EXPOSE and ENV PORT is the service's port.
 */
export function dockerfileProblems(text: string, port: number): string[] {
  const problems: string[] = [];
  const instructions = dockerInstructions(text);
  const stages = new Set<string>();
  let finalStage = 0;
  instructions.forEach((instruction, index) => {
    if (instruction.keyword !== 'FROM') return;
    finalStage = index;
    const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
    const ref = match?.[1] ?? '';
    if (match?.[2]) stages.add(match[2].toLowerCase());
    if (stages.has(ref.toLowerCase()) && ref.toLowerCase() !== match?.[2]?.toLowerCase()) return; // an earlier stage
    const pinned = DIGEST_REF.exec(ref);
    if (!pinned) {
      problems.push(`line ${instruction.line}: FROM ${ref} is not pinned by digest (<image>:<tag>@sha256:<64 hex>)`);
      return;
    }
    const [, image = '', tag] = pinned;
    const said = instruction.comments.join('\n');
    const tagged =
      tag === undefined ? new RegExp(`${image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:[\\w][\\w.-]*`).test(said) : said.includes(`${image}:${tag}`);
    if (!tagged) problems.push(`line ${instruction.line}: the comment above FROM ${image} does not name its tag (${image}:${tag ?? '<tag>'})`);
  });
  if (!instructions.some((i) => i.keyword === 'FROM')) problems.push('no FROM');
  // A `# syntax=` parser directive makes BuildKit fetch that frontend image at build time: an
  // unpinned one is code from a registry that can change under the build. Without the line,
  // the builder's own frontend parses the file.
  // (parser directives come first, before any other line)
  const syntax = text
    .split('\n')
    .slice(0, 3)
    .map((line) => /^#\s*syntax\s*=\s*(\S+)/i.exec(line))
    .find((match) => match !== null);
  if (syntax && !/@sha256:[0-9a-f]{64}$/.test(syntax[1]!)) problems.push(`line 1: the BuildKit frontend ${syntax[1]} is not pinned by digest; pin it (@sha256:...) or remove the # syntax= line`);

  const final = instructions.slice(finalStage);
  const user = final.filter((i) => i.keyword === 'USER').at(-1);
  const ids = /^(\d+)(?::(\d+))?$/.exec(user?.args ?? '');
  if (!user) problems.push('the final stage sets no USER (it would run as root)');
  else if (!ids) problems.push(`line ${user.line}: USER ${user.args} is not numeric (runAsNonRoot cannot check a name)`);
  else if (Number(ids[1]) === 0 || (ids[2] !== undefined && Number(ids[2]) === 0)) problems.push(`line ${user.line}: USER ${user.args} is root`);

  const healthcheck = final.find((i) => i.keyword === 'HEALTHCHECK');
  const reason = final.some((i) => i.comments.some((c) => /^#\s*No HEALTHCHECK\s*[:,-]\s*\S.{9,}/i.test(c)));
  if (healthcheck && /^NONE\b/i.test(healthcheck.args)) problems.push(`line ${healthcheck.line}: HEALTHCHECK NONE`);
  if (!healthcheck && !reason) problems.push('the final stage has no HEALTHCHECK and no "# No HEALTHCHECK: <reason>" comment');

  for (const expose of final.filter((i) => i.keyword === 'EXPOSE')) {
    for (const exposed of expose.args.split(/\s+/)) {
      if (exposed.replace(/\/tcp$/i, '') !== String(port)) problems.push(`line ${expose.line}: EXPOSE ${exposed}, the port parameter is ${port}`);
    }
  }
  for (const env of final.filter((i) => i.keyword === 'ENV')) {
    for (const [, , value] of Array.from(env.args.matchAll(/(?:^|\s)PORT=("?)(\S*?)\1(?=\s|$)/g))) {
      if (value !== String(port)) problems.push(`line ${env.line}: ENV PORT=${value}, the port parameter is ${port}`);
    }
  }
  return problems;
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

// https://kubernetes.io/docs/concepts/security/pod-security-standards/ (baseline + restricted)
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * A pod spec against the Pod Security "restricted" profile, plus a read-only root
 * filesystem, resource requests and limits, and no service account token.
 */
export function podSecurityProblems(podSpec: Json): string[] {
  const problems: string[] = [];
  const pod = object(podSpec['securityContext']);
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC']) if (podSpec[host] === true) problems.push(`pod: ${host} is true`);
  if (podSpec['automountServiceAccountToken'] !== false) problems.push('pod: automountServiceAccountToken is not false');
  for (const volume of list(podSpec['volumes']).map(object)) {
    const types = Object.keys(volume).filter((key) => key !== 'name');
    for (const type of types) if (!RESTRICTED_VOLUMES.has(type)) problems.push(`volume ${String(volume['name'])}: type ${type} is not allowed`);
  }
  const containers = [...list(podSpec['initContainers']), ...list(podSpec['containers']), ...list(podSpec['ephemeralContainers'])].map(object);
  if (containers.length === 0) problems.push('pod: no containers');
  for (const container of containers) {
    const at = `container ${String(container['name'])}`;
    const sc = object(container['securityContext']);
    const caps = object(sc['capabilities']);
    if (sc['privileged'] === true) problems.push(`${at}: privileged`);
    if (sc['allowPrivilegeEscalation'] !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
    if (!list(caps['drop']).includes('ALL')) problems.push(`${at}: capabilities do not drop ALL`);
    for (const added of list(caps['add'])) if (added !== 'NET_BIND_SERVICE') problems.push(`${at}: adds capability ${String(added)}`);
    const nonRoot = sc['runAsNonRoot'] ?? pod['runAsNonRoot'];
    if (nonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`);
    if ((sc['runAsUser'] ?? pod['runAsUser']) === 0) problems.push(`${at}: runAsUser is 0`);
    const seccomp = object(sc['seccompProfile'] ?? pod['seccompProfile'])['type'];
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${at}: seccompProfile is ${String(seccomp)}, not RuntimeDefault`);
    if (sc['readOnlyRootFilesystem'] !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
    for (const p of list(container['ports']).map(object))
      if (p['hostPort'] !== undefined && p['hostPort'] !== 0) problems.push(`${at}: hostPort ${String(p['hostPort'])}`);
    const resources = object(container['resources']);
    for (const kind of ['requests', 'limits']) {
      const given = object(resources[kind]);
      if (given['cpu'] === undefined || given['memory'] === undefined) problems.push(`${at}: no cpu and memory ${kind}`);
    }
  }
  return problems;
}

/** The number a container port reference (name or number) stands for, if the container declares it. */
export function resolvePort(container: Json, ref: unknown): number | undefined {
  if (typeof ref === 'number') return ref;
  const named = list(container['ports'])
    .map(object)
    .find((p) => p['name'] === ref);
  return typeof named?.['containerPort'] === 'number' ? named['containerPort'] : undefined;
}

/** Every string anywhere in a parsed document (values and keys). */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value instanceof Date || value === null || typeof value !== 'object') return [];
  return Object.entries(value as Json).flatMap(([key, inner]) => [key, ...strings(inner)]);
}
