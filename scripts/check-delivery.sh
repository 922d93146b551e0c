#!/usr/bin/env bash
# Delivery checks with real tools, run by .ci/run: the compose file (docker-compose v1 validates it
# without an engine), and the release evidence (an offline-signed SBOM that a tampered copy fails).
# Each check is also shown to fail on a broken input, so that a check that cannot fail is caught.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/k8s-tools.sh
k8s_tools
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

echo "== Helm chart (helm $(helm version --short 2>/dev/null))"
chart=helm/dev-agent
helm lint "$chart"
helm template dev-agent "$chart" > "$scratch/default.yaml"
helm template dev-agent "$chart" --set dashboard.enabled=true --set dashboard.stateClaimName=state \
  --set operator.replicas=2 --set model.apiKeySecret.name=llm > "$scratch/full.yaml"
# The built-in kinds parse as Kubernetes objects (kubectl, offline); the Policy resource is checked
# against the CRD schema by the operator's tests.
for manifest in "$scratch/default.yaml" "$scratch/full.yaml"; do
  awk 'BEGIN{RS="\n---\n"} !/kind: Policy/ {print $0 "\n---"}' "$manifest" > "$scratch/builtin.yaml"
  kubectl label --local -f "$scratch/builtin.yaml" checked=true -o name > /dev/null
done
echo "   lint and template pass; rendered manifests parse"
# A broken template and values that break the schema must fail.
cp -r "$chart" "$scratch/broken-chart"
echo '{{ .Values.operator.replicas | nosuchfunction }}' >> "$scratch/broken-chart/templates/operator-deployment.yaml"
if helm lint "$scratch/broken-chart" >/dev/null 2>&1; then
  echo "error: a broken chart passed helm lint" >&2; exit 1
fi
if helm template dev-agent "$chart" --set operator.replicas=0 >/dev/null 2>&1; then
  echo "error: values that break values.schema.json were accepted" >&2; exit 1
fi
echo "   a broken template and invalid values are rejected"

echo "== CRDs: crds/ and the chart's crds/ are the same files"
diff -r crds "$chart/crds"
echo "   identical"

echo "== release evidence"
# The SBOM and its signature; the image itself is built from the Dockerfile and run by scripts/compose-e2e.sh,
# which also makes stand-ins of its base images where no registry is reachable.
RELEASE_DIR="$scratch/release" RELEASE_NO_IMAGE=1 scripts/release.sh >/dev/null
scripts/release.sh verify "$scratch/release"
sed -i 's/"CycloneDX"/"CycloneDx"/' "$scratch/release/sbom.cdx.json"
if scripts/release.sh verify "$scratch/release" 2>/dev/null; then
  echo "error: a tampered SBOM passed verification" >&2; exit 1
fi
echo "   a tampered SBOM is rejected"
