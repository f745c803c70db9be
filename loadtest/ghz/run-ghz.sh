#!/usr/bin/env bash
# Runs ghz against a ScoreCAM server with one of the configs here.
#   ./run-ghz.sh unary|stream [HOST:PORT] [--proto] [any further ghz flags, e.g. -O html -o report.html]
# HOST:PORT (default: the config's 127.0.0.1:50051) goes to ghz as its positional host argument: ghz has no
# --host flag. By default ghz finds the service by server reflection; --proto uses the API's .proto instead.
# The call data (data/, made by make-data.sh on first use) holds 30 distinct frames; once they have been
# seen, repeats are answered from the server's frame cache without a forward pass, so start the server with
# --cache-bytes=0 when measuring compute.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto="$here/../../proto/src/main/proto/scorecam/v1/explain.proto"
case "${1:-}" in
  unary) config="explain-unary.json" ;;
  stream) config="explain-stream.json" ;;
  *) echo "usage: $0 unary|stream [HOST:PORT] [--proto] [ghz flags...]" >&2; exit 2 ;;
esac
shift
host=()
if [[ -n "${1:-}" && "${1:-}" != -* ]]; then
  host=("$1")
  shift
fi
extra=()
if [[ "${1:-}" == "--proto" ]]; then
  extra+=(--proto "$proto" --import-paths "$(dirname "$(dirname "$(dirname "$proto")")")")
  shift
fi
if ! command -v ghz >/dev/null 2>&1; then
  echo "run-ghz.sh: ghz is not on PATH (https://ghz.sh/docs/install)" >&2
  exit 2
fi
if [[ ! -f "$here/data/explain-unary.json" || ! -f "$here/data/explain-stream.json" ]]; then
  "$here/make-data.sh"
fi
cd "$here" # the configs name their data files relative to this directory
exec ghz --config "$config" "${extra[@]}" "$@" "${host[@]}"
