#!/usr/bin/env bash
# The production node_modules of one service, installed the way the Dockerfile's prod-deps stage
# does (no Docker needed): size in MB, number of packages, and whether the other database's
# libraries or test libraries got in. Usage: bench/service-deps.sh course|contract|user|promo|notification
set -euo pipefail
service=${1:?usage: bench/service-deps.sh <service>}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
for manifest in package.json package-lock.json packages/*/package.json services/*/package.json; do
  mkdir -p "$work/$(dirname "$manifest")" && cp "$manifest" "$work/$manifest"
done
cd "$work"
# The same steps as the Dockerfile (stage prod-deps).
find services -mindepth 1 -maxdepth 1 ! -name "$service" -exec rm -rf {} +
rm -rf packages/testing
npm pkg delete devDependencies --workspaces >/dev/null
npm install --omit=dev --no-audit --no-fund --ignore-scripts --workspace="services/$service" >/dev/null 2>&1
packages=$(find node_modules -name package.json -path '*node_modules/*' -not -path '*/node_modules/*/node_modules/*/*' | wc -l)
has() { [ -d "node_modules/$1" ] && echo yes || echo no; }
echo "$service: node_modules $(du -sm node_modules | cut -f1) MB, $packages packages;" \
  "typeorm $(has typeorm), mongoose $(has mongoose), @nestjs/testing $(has @nestjs/testing), jest $(has jest)"
