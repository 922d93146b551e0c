package io.devagent.config;

import java.util.List;
import java.util.Map;

/**
 * The settings in force and where each came from: the environment the CLI runs with (the process's,
 * with the config files' values under it) and, per variable, its source.
 */
public record Settings(Environment env, Map<String, String> sources) {

    public static final String FROM_ENVIRONMENT = "environment";
    public static final String FROM_DEFAULT = "default";

    /** Every setting a config file can hold, in the order {@code agent config show} lists them. */
    public static final List<Setting> ALL = List.of(
            new Setting("model.baseUrl", "LLM_BASE_URL", "http://localhost:1234/v1", false, true),
            new Setting("model.name", "LLM_MODEL", "(the first of GET /models)", false, true),
            new Setting("model.apiKey", "LLM_API_KEY", "(none)", true, false),
            new Setting("model.stream", "LLM_STREAM", "true", false, true),
            new Setting("model.toolMode", "LLM_TOOL_MODE", "auto", false, true),
            new Setting("model.timeoutSeconds", "LLM_TIMEOUT_SECONDS", "600", false, true),
            new Setting("model.maxRetries", "LLM_MAX_RETRIES", "4", false, true),
            new Setting("model.contextTokens", "LLM_CONTEXT_TOKENS", "(what the server tells)", false, true),
            new Setting("network.allow", "ALLOW_NET", "false", false, false),
            new Setting("state.dir", "AGENT_STATE_DIR", "/state when writable, else ~/.dev-agent/state", false, false),
            new Setting("policy.file", "AGENT_POLICY_FILE", "<state>/policies/policy.yaml", false, false),
            new Setting("shell.sandbox", "AGENT_SHELL_SANDBOX", "auto", false, false),
            new Setting("dashboard.token", "AGENT_DASHBOARD_TOKEN", "(none)", true, false),
            new Setting("runtime.autoResume", "AGENT_AUTO_RESUME", "true", false, true));

    public String source(String variable) {
        return sources.getOrDefault(variable, FROM_DEFAULT);
    }
}
