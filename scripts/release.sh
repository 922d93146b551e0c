#!/usr/bin/env bash
# Release evidence (runbook §5): the SBOM, its offline signature, and, where the tools exist, the
# image, its Trivy scan and its Cosign signature. A missing tool is skipped with a clear message;
# no result is ever faked.
#
#   scripts/release.sh            build the SBOM, sign it, build/scan/sign the image where possible
#   scripts/release.sh verify [DIR]  check the SBOM's signature (exit 1 when it does not match)
#
# Outputs go to target/release/ (or RELEASE_DIR): sbom.cdx.json, sbom.cdx.json.sig, release.pub,
# and trivy.json / cosign.bundle when those tools ran. The signing key is RELEASE_KEY (a PEM EC
# private key); without one, a key is generated in target/release-key/ and its public half kept.
# RELEASE_NO_IMAGE=1 leaves the image out (the SBOM and its signature only).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${RELEASE_DIR:-$root/target/release}"
image="${RELEASE_IMAGE:-dev-agent:$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -n 1)}"

verify() {
  local dir="${1:-$out}"
  for f in sbom.cdx.json sbom.cdx.json.sig release.pub; do
    [ -f "$dir/$f" ] || { echo "verify: $dir/$f is missing" >&2; return 1; }
  done
  if openssl dgst -sha256 -verify "$dir/release.pub" -signature "$dir/sbom.cdx.json.sig" "$dir/sbom.cdx.json" >/dev/null 2>&1; then
    echo "verify: $dir/sbom.cdx.json matches its signature"
  else
    echo "verify: $dir/sbom.cdx.json does NOT match its signature (tampered, or signed with another key)" >&2
    return 1
  fi
}

if [ "${1:-}" = "verify" ]; then
  verify "${2:-}"
  exit $?
fi

command -v openssl >/dev/null || { echo "error: openssl is needed to sign the SBOM" >&2; exit 2; }
. "$root/scripts/find-jdk.sh"
find_jdk25 || exit 2
mkdir -p "$out"

echo "== SBOM (CycloneDX)"
(cd "$root" && mvn -B -q -pl cli -am package -DskipTests)
cp "$root/cli/target/sbom.cdx.json" "$out/sbom.cdx.json"

echo "== signing the SBOM offline"
key="${RELEASE_KEY:-}"
if [ -z "$key" ]; then
  key="$root/target/release-key/release.key"
  if [ ! -f "$key" ]; then
    mkdir -p "$(dirname "$key")"
    openssl ecparam -name prime256v1 -genkey -noout -out "$key"
    chmod 600 "$key"
    echo "   generated a new signing key: $key (set RELEASE_KEY to sign with your own)"
  fi
fi
openssl ec -in "$key" -pubout -out "$out/release.pub" 2>/dev/null
openssl dgst -sha256 -sign "$key" -out "$out/sbom.cdx.json.sig" "$out/sbom.cdx.json"
verify "$out"

echo "== image $image"
if [ -n "${RELEASE_NO_IMAGE:-}" ]; then
  echo "   skipped the image, its scan and its signature: RELEASE_NO_IMAGE is set"
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  docker build -t "$image" "$root"
  if command -v trivy >/dev/null; then
    trivy image --format json --output "$out/trivy.json" "$image" && echo "   scanned: $out/trivy.json"
  else
    echo "   skipped the scan: trivy is not installed"
  fi
  if command -v cosign >/dev/null; then
    cosign sign --yes --bundle "$out/cosign.bundle" "$image" && echo "   signed: $out/cosign.bundle"
  else
    echo "   skipped the image signature: cosign is not installed"
  fi
else
  echo "   skipped the image, its scan and its signature: no Docker engine is reachable"
fi
echo "== release evidence in $out"
ls -l "$out"
