#!/usr/bin/env bash
# Installs what the scale-it tests need: kubectl (kustomize) to render deploy/k8s, Node and the schema
# validator's npm packages (deploy/k8s/validate, exact versions from its lock file), and HAProxy for the
# multi-replica load-balancing test. Idempotent and non-interactive: CI calls it on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need_apt=()
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup-scale: apt-get install ${need_apt[*]}"
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${need_apt[@]}" </dev/null
fi
# the test starts its own HAProxy process on free loopback ports (the package's service is not used)

if [ ! -d deploy/k8s/validate/node_modules/kubernetes-models ]; then
  (cd deploy/k8s/validate && npm ci --no-audit --no-fund </dev/null)
fi
echo "setup-scale: $(kubectl version --client 2>/dev/null | head -1), $(haproxy -v | head -1), node $(node --version)"
