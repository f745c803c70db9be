#!/usr/bin/env bash
# Stops the dockerd that setup-docker.sh started (by its pid file; a daemon started otherwise is left alone).
set -uo pipefail
pidfile=/var/run/scorecam-dockerd.pid
[ -f "$pidfile" ] || { echo "stop-docker: no dockerd of ours is running"; exit 0; }
pid="$(cat "$pidfile")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop-docker: dockerd $pid ignored SIGTERM for 30 s, killing it"
    kill -KILL "$pid"
  fi
fi
rm -f "$pidfile"
echo "stop-docker: dockerd stopped"
