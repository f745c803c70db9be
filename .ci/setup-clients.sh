#!/usr/bin/env bash
# Installs what the clients need: for /usr/bin/python3 grpcio + grpc-tools (examples/python) and numpy,
# setuptools, wheel, pip (building and testing clients/python); Node + the npm packages of examples/node;
# openssl for the TLS tests. Idempotent and non-interactive: CI calls it on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need_apt=()
if ! /usr/bin/python3 -c 'import grpc, grpc_tools.protoc' >/dev/null 2>&1; then
  need_apt+=(python3-grpcio python3-grpc-tools)
fi
if ! /usr/bin/python3 -c 'import numpy, setuptools, wheel, pip' >/dev/null 2>&1; then
  need_apt+=(python3-numpy python3-setuptools python3-wheel python3-pip)
fi
if ! command -v openssl >/dev/null 2>&1; then
  need_apt+=(openssl)
fi
if ! command -v node >/dev/null 2>&1; then
  need_apt+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  need_apt+=(npm)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup-clients: apt-get install ${need_apt[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" </dev/null
fi

# exact versions from the committed lock file; skipped when already in place
if [ -f examples/node/package-lock.json ]; then
  if [ ! -d examples/node/node_modules/@grpc/grpc-js ] || [ ! -d examples/node/node_modules/@grpc/proto-loader ]; then
    (cd examples/node && npm ci --no-audit --no-fund </dev/null)
  fi
fi
echo "setup-clients: python3 grpc $(/usr/bin/python3 -c 'import grpc; print(grpc.__version__)'), numpy $(/usr/bin/python3 -c 'import numpy; print(numpy.__version__)'), node $(node --version)"
