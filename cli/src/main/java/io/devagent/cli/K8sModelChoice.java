package io.devagent.cli;

import io.devagent.k8s.api.AgentRunSpec;

/** The spec.model {@code agent --k8s run} writes: only what the user gave, so that the operator's default model fills the rest. */
final class K8sModelChoice {

    private K8sModelChoice() {
    }

    /** Null when nothing is given: the operator's default applies whole (or the AgentRun's status says none is set). */
    static AgentRunSpec.Model of(String url, String name, AgentRunSpec.SecretKeyRef key) {
        return url == null && name == null && key == null ? null : new AgentRunSpec.Model(url, name, key);
    }
}
