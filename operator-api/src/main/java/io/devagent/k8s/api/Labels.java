package io.devagent.k8s.api;

/** Labels and annotations the operator puts on the children of an AgentRun, which the CLI reads too. */
public final class Labels {
    /** On every child: the operator's informers watch only these. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "dev-agent-operator";
    public static final String SELECTOR = MANAGED_BY + "=" + OPERATOR;
    /** On every child: the AgentRun it belongs to. */
    public static final String AGENT_RUN = "devagent.io/agentrun";
    /** On a run's ConfigMap: the Policy rendered into it (absent for the default policy). */
    public static final String POLICY = "devagent.io/policy";
    /** On a run's ConfigMap: the reload request of the Policy it was last rendered for. */
    public static final String POLICY_RELOAD = "devagent.io/policy-reload";
    /** On a run's ConfigMap: the rendered policy's version. */
    public static final String POLICY_VERSION = "devagent.io/policy-version";
    /** On a runtime pod: which attempt of the run it is (0 for the first pod). */
    public static final String ATTEMPT = "devagent.io/attempt";

    private Labels() {
    }
}
