package io.devagent.operator.config;

import io.devagent.config.Environment;
import io.devagent.k8s.api.AgentRunSpec;

/**
 * The model an AgentRun gets when it names none, or names only part of one: set once by the platform
 * team through the chart's {@code model} values, which become the operator's environment:
 * {@code OPERATOR_MODEL_BASE_URL}, {@code OPERATOR_MODEL_NAME}, and {@code OPERATOR_MODEL_API_KEY_SECRET}
 * with {@code OPERATOR_MODEL_API_KEY_SECRET_KEY} (default {@code apiKey}): a Secret of that name in the
 * run's namespace. Each field the AgentRun gives wins over the default's.
 */
public record DefaultModel(String baseUrl, String name, String apiKeySecret, String apiKeySecretKey) {

    public static final DefaultModel NONE = new DefaultModel(null, null, null, null);
    /** Stands for whatever default the operator may have: only to check the rest of a spec. */
    public static final DefaultModel ANY = new DefaultModel("http://default.invalid/v1", null, null, null);

    public static DefaultModel from(Environment env) {
        return new DefaultModel(env.get("OPERATOR_MODEL_BASE_URL").filter(s -> !s.isBlank()).orElse(null),
                env.get("OPERATOR_MODEL_NAME").filter(s -> !s.isBlank()).orElse(null),
                env.get("OPERATOR_MODEL_API_KEY_SECRET").filter(s -> !s.isBlank()).orElse(null),
                env.get("OPERATOR_MODEL_API_KEY_SECRET_KEY", "apiKey"));
    }

    /** The model a run uses: its own fields, the default's where it has none; null when neither gives a base URL. */
    public AgentRunSpec.Model effective(AgentRunSpec.Model own) {
        String url = own != null && own.baseUrl() != null ? own.baseUrl() : baseUrl;
        if (url == null) {
            return own;
        }
        String model = own != null && own.name() != null ? own.name() : name;
        AgentRunSpec.SecretKeyRef key = own != null && own.apiKeySecretRef() != null ? own.apiKeySecretRef()
                : apiKeySecret == null ? null : new AgentRunSpec.SecretKeyRef(apiKeySecret, apiKeySecretKey);
        return new AgentRunSpec.Model(url, model, key);
    }
}
