#!/bin/bash
# Starts a server with default flags (only the model dir and free ports), waits until it
# serves, then runs stream_bench.py once per argument string against it, in turn, and stops the server.
#   loadtest/grpcio/run.sh SERVER_JAR MODEL_DIR 'STREAM_BENCH_ARGS' ['STREAM_BENCH_ARGS'|'replay CLI_ARGS'...]
# An argument string that starts with "replay " runs the CLI (client-cli/target/scorecam.jar, or
# $SCORECAM_CLI_JAR) against the same server instead, e.g. 'replay pan.mp4 --realtime --method RECIPRO_CAM'.
# e.g. loadtest/grpcio/run.sh server/target/scorecam-server.jar ../shared/models \
#        '--frames /tmp/cam640/frames --mode closed' '--frames /tmp/cam640/frames --mode live --fps 30'
# Needs /usr/bin/python3 with grpcio, grpc-tools, numpy, setuptools, pip (.ci/setup-clients.sh) and ffmpeg.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n 2,7p "$0" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
jar=$1 models=$2
shift 2
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# the client package as a user installs it (stubs generated from proto/ while building)
"$python" -m pip install -q --no-build-isolation --no-deps --no-index --disable-pip-version-check --root-user-action=ignore \
  --target "$work/site" "$repo/clients/python" >/dev/null
free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port) metrics=$(free_port)
java -jar "$jar" --model-dir "$models" --port "$port" --metrics-port "$metrics" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 240); do
  grep -q 'serving on\|health SERVING' "$work/server.log" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
grep -q 'serving on\|health SERVING' "$work/server.log" || { echo "server not serving after 120 s" >&2; exit 1; }
cli=${SCORECAM_CLI_JAR:-$repo/client-cli/target/scorecam.jar}
stages() {  # the server's stage totals as JSON, for a PROFILE line around a CLI run
  PYTHONPATH="$here:$work/site" "$python" -c 'import json, sys, stream_bench as b
print(json.dumps(b.stage_totals(sys.argv[1])))' "http://localhost:$metrics/metrics"
}
for args in "$@"; do
  if [[ "$args" == replay\ * ]]; then
    # the CLI as a user runs it: `scorecam replay SOURCE ...`; its summary table, then the server's profile
    before=$(stages)
    # shellcheck disable=SC2086
    java -jar "$cli" $args --server "localhost:$port" --no-progress 2>&1 | grep -v '^\s*$'
    after=$(stages)
    PYTHONPATH="$here:$work/site" "$python" -c 'import json, sys, stream_bench as b
print(b.profile_line({k: tuple(v) for k, v in json.loads(sys.argv[1]).items()},
                     {k: tuple(v) for k, v in json.loads(sys.argv[2]).items()}, "cli=" + sys.argv[3]))' \
      "$before" "$after" "$(echo "$args" | tr ' ' '_')"
    continue
  fi
  # shellcheck disable=SC2086 # each argument string is a list of stream_bench options
  PYTHONPATH="$work/site" "$python" "$here/stream_bench.py" --server "localhost:$port" \
    --metrics "http://localhost:$metrics/metrics" $args
done
