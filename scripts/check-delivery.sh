#!/usr/bin/env bash
# Delivery checks with real tools, run by .ci/run: the compose file (docker-compose v1 validates it
# without an engine), and the release evidence (an offline-signed SBOM that a tampered copy fails).
# Each check is also shown to fail on a broken input, so that a check that cannot fail is caught.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== docker-compose.yml"
docker-compose -f docker-compose.yml config -q
echo "   valid"
# A service without image or build, and an unknown key, must be rejected.
sed 's/^    build: \.$/    buildd: ./' docker-compose.yml > "$scratch/broken-compose.yml"
if docker-compose -f "$scratch/broken-compose.yml" config -q 2>/dev/null; then
  echo "error: a broken compose file passed validation" >&2; exit 1
fi
echo "   a broken copy is rejected"

echo "== release evidence"
RELEASE_DIR="$scratch/release" scripts/release.sh >/dev/null
scripts/release.sh verify "$scratch/release"
sed -i 's/"CycloneDX"/"CycloneDx"/' "$scratch/release/sbom.cdx.json"
if scripts/release.sh verify "$scratch/release" 2>/dev/null; then
  echo "error: a tampered SBOM passed verification" >&2; exit 1
fi
echo "   a tampered SBOM is rejected"
