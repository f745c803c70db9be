#!/usr/bin/env bash
# Runs ghz against a ScoreCAM server with one of the configs here.
#   ./run-ghz.sh unary|stream [--proto] [any further ghz flags, e.g. --host=10.0.0.5:50051 -O html -o report.html]
# By default ghz finds the service by server reflection; --proto uses the API's .proto file instead.
# Start the server with --cache-bytes=0: ghz sends the same frame again and again, and with the cache on
# every repeat is answered from it without a single forward pass.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto="$here/../../proto/src/main/proto/scorecam/v1/explain.proto"
case "${1:-}" in
  unary) config="explain-unary.json" ;;
  stream) config="explain-stream.json" ;;
  *) echo "usage: $0 unary|stream [--proto] [ghz flags...]" >&2; exit 2 ;;
esac
shift
extra=()
if [[ "${1:-}" == "--proto" ]]; then
  extra+=(--proto "$proto" --import-paths "$(dirname "$(dirname "$(dirname "$proto")")")")
  shift
fi
if ! command -v ghz >/dev/null 2>&1; then
  echo "run-ghz.sh: ghz is not on PATH (https://ghz.sh/docs/install)" >&2
  exit 2
fi
if [[ ! -f "$here/data/explain-request.json" ]]; then
  "$here/make-data.sh"
fi
cd "$here" # the configs name their data file relative to this directory
exec ghz --config "$config" "${extra[@]}" "$@"
