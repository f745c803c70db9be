#!/usr/bin/env bash
# Starts a Docker engine and builds the local images the Testcontainers tests use: a JRE 17 base
# (local/jre17-base) and a JDK 17 + Maven build image (local/maven17-build) for Dockerfile.build.
# CI reaches no image registry, so the base is made from Debian packages (debootstrap) and imported.
# Idempotent and non-interactive; meant to be sourced by .ci/run (it exports SCORECAM_DOCKER_BASE_IMAGE),
# but also works when run with bash (then it prints the line to export).
# Containers must use host networking: dockerd runs without a bridge and without iptables rules.

# _scd_image IMAGE PACKAGES: unless IMAGE exists, debootstraps bookworm minbase with the comma-separated
# Debian PACKAGES and imports it as IMAGE (a few minutes; timed in the log lines)
_scd_image() (
  set -euo pipefail
  local image="$1" packages="$2" rootfs start
  docker image inspect "$image" >/dev/null 2>&1 && return 0
  rootfs="$(mktemp -d /var/tmp/scorecam-rootfs.XXXXXX)"
  start=$(date +%s)
  echo "setup-docker: $image: debootstrap bookworm minbase + $packages (log: $log_dir/debootstrap-${image//\//_}.log)"
  if ! debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" \
      >"$log_dir/debootstrap-${image//\//_}.log" 2>&1; then
    tail -n 30 "$log_dir/debootstrap-${image//\//_}.log"; rm -rf "$rootfs"; exit 1
  fi
  # the package caches are not needed inside the image
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  echo "setup-docker: $image: debootstrap took $(( $(date +%s) - start )) s"
  start=$(date +%s)
  tar -C "$rootfs" -c . | docker import \
    -c 'ENV LANG=C.UTF-8' -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' - "$image" >/dev/null
  echo "setup-docker: $image: docker import took $(( $(date +%s) - start )) s"
  rm -rf "$rootfs"
)

# the body runs in a subshell: its shell options and variables stay out of a caller that sources this file
_scd_main() (
  set -euo pipefail
  export DEBIAN_FRONTEND=noninteractive
  local base_image="${SCORECAM_DOCKER_BASE_IMAGE:-local/jre17-base}"
  local build_image="${SCORECAM_DOCKER_BUILD_IMAGE:-local/maven17-build}"
  local log_dir="${SCORECAM_DOCKER_LOG_DIR:-/var/log/scorecam-ci}"
  local mirror="${SCORECAM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  mkdir -p "$log_dir"

  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  if [ "${#need[@]}" -gt 0 ]; then
    echo "setup-docker: installing ${need[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >"$log_dir/apt.log" 2>&1 \
      || { tail -n 30 "$log_dir/apt.log"; exit 1; }
  fi

  if ! docker info >/dev/null 2>&1; then
    echo "setup-docker: starting dockerd (log: $log_dir/dockerd.log)"
    # setsid + nohup: the daemon outlives this shell; stop-docker.sh ends it by its pid file
    setsid nohup dockerd --bridge=none --iptables=false --ip6tables=false \
      --pidfile /var/run/scorecam-dockerd.pid >"$log_dir/dockerd.log" 2>&1 </dev/null &
    local i
    for i in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      sleep 1
    done
    docker info >/dev/null 2>&1 || { echo "setup-docker: dockerd did not answer"; tail -n 30 "$log_dir/dockerd.log"; exit 1; }
  fi

  # the runtime base (every Dockerfile's BASE_IMAGE) and the JDK + Maven image Dockerfile.build's build stage uses
  _scd_image "$base_image" openjdk-17-jre-headless
  _scd_image "$build_image" openjdk-17-jdk-headless,maven,ca-certificates-java
  local version
  version="$(docker run --rm --network host "$base_image" java -version 2>&1)"
  echo "setup-docker: $base_image runs ${version%%$'\n'*}"
  version="$(docker run --rm --network host "$build_image" mvn -B -v 2>&1)"
  echo "setup-docker: $build_image runs ${version%%$'\n'*}"
  echo "export SCORECAM_DOCKER_BASE_IMAGE=$base_image SCORECAM_DOCKER_BUILD_IMAGE=$build_image"
)

# called as a plain command, never in an `if`, `&&` or `||` (bash ignores set -e inside those, even in the
# subshell); a caller with set -e (like .ci/run) stops right here when setting up Docker failed
_scd_main
_scd_rc=$?
if [ "$_scd_rc" -eq 0 ]; then
  export SCORECAM_DOCKER_BASE_IMAGE="${SCORECAM_DOCKER_BASE_IMAGE:-local/jre17-base}"
  export SCORECAM_DOCKER_BUILD_IMAGE="${SCORECAM_DOCKER_BUILD_IMAGE:-local/maven17-build}"
fi
if [ "${BASH_SOURCE[0]}" = "$0" ]; then exit "$_scd_rc"; else return "$_scd_rc"; fi
