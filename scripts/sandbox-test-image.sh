#!/usr/bin/env bash
# Builds dev-agent/sandbox-test:local, the image HostileShellInContainerTest runs the hostile shell
# suite in, when it is not there yet. Its base is the project's eclipse-temurin:25-jre-noble; where
# no image registry is reachable and no image of that name exists, a local stand-in is made under
# that name (a debootstrap Debian root with this machine's Temurin 25), which other tests may share.
#   scripts/sandbox-test-image.sh      (root, a running Docker engine, debootstrap, network to Debian)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image="dev-agent/sandbox-test:local"
base="eclipse-temurin:25-jre-noble"
rootfs="dev-agent-e2e/bookworm-minbase:latest"

# An image counts when a container starts from it (a data root can keep an image whose layers are gone).
usable() { docker run --rm --network none "$1" true >/dev/null 2>&1; }
usable "$image" && { echo "ok: $image is there"; exit 0; }
work="$(mktemp -d /tmp/sandbox-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if ! usable "$base" && ! { docker pull -q "$base" >/dev/null 2>&1 && usable "$base"; }; then
  if ! usable "$rootfs"; then
    echo "building $rootfs (debootstrap)"
    debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    tar -C "$work/rootfs" -c . | docker import - "$rootfs" >/dev/null
    rm -rf "$work/rootfs"
  fi
  . "$root/scripts/find-jdk.sh"
  find_jdk25 >/dev/null
  mkdir -p "$work/ctx"
  # Links followed: the JDK's cacerts is a link to the machine's trust store.
  cp -rL "$JAVA_HOME" "$work/ctx/jdk"
  echo "building the stand-in $base"
  DOCKER_BUILDKIT=0 docker build -q --network host --build-arg BASE="$rootfs" -t "$base" \
    -f "$root/scripts/sandbox/temurin-stand-in.Dockerfile" "$work/ctx" >/dev/null
fi
echo "building $image"
mkdir -p "$work/empty"
DOCKER_BUILDKIT=0 docker build -q --network host --build-arg BASE="$base" -t "$image" \
  -f "$root/scripts/sandbox/test-image.Dockerfile" "$work/empty" >/dev/null
echo "ok: $image built"
