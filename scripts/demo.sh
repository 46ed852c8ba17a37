#!/usr/bin/env bash
# The quick start's main job on built-in defaults: scaffold a TypeScript service with
# create-service, then run its own install, lint, typecheck, tests and build on the Node LTS
# line its image uses, exactly as a developer would after `npx create-service`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npm run build --silent
bash scripts/install-tools.sh
service_node_dir="${PAVED_TOOLS_DIR:-$HOME/.cache/paved/tools}/service-node"

parent="${1:-$(mktemp -d)}"
node cli/bin/create-service.js demo-orders --template typescript --team demo \
  --description "Demo service scaffolded by the Paved quick start" --yes --dir "$parent"

cd "$parent/demo-orders"
# npm run exports npm_* settings (npm_config_prefix among them) that would make the inner npm
# pick the toolkit's Node; the service runs on its own Node LTS instead.
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(npm_[^=]*\)=.*/\1/p')
export PATH="$service_node_dir:$PATH"
echo "== the generated service, on Node $(node --version)"
npm ci --no-audit --no-fund
npm run lint
npm run typecheck
npm test
npm run build
echo
echo "Demo service generated and verified in $parent/demo-orders"
