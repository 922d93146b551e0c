package io.devagent.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * The policy model (SPEC.md "Policy"). One type serves the runtime, the YAML file and, later, the
 * Policy resource's spec. Absent fields take the safe defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(Network network, Tools tools, Files files, Shell shell, Limits limits, Review review,
                     List<String> redact) {

    public Policy {
        network = Objects.requireNonNullElseGet(network, () -> new Network(null, null));
        tools = Objects.requireNonNullElseGet(tools, () -> new Tools(null, null, null));
        files = Objects.requireNonNullElseGet(files, () -> new Files(null, null, null));
        shell = Objects.requireNonNullElseGet(shell, () -> new Shell(null, null, null));
        limits = Objects.requireNonNullElseGet(limits, () -> new Limits(null, null, null));
        review = Objects.requireNonNullElseGet(review, () -> new Review(null));
        redact = redact == null ? List.of() : List.copyOf(redact);
    }

    public static Policy defaults() {
        return new Policy(null, null, null, null, null, null, null);
    }

    /**
     * Network for the agent's own tools. {@code allow} left unset follows {@code ALLOW_NET}; the
     * environment can only narrow it (see {@link PolicyLoader#effective}).
     */
    public record Network(Boolean allow, List<String> allowHosts) {
        public Network {
            allowHosts = allowHosts == null ? List.of() : List.copyOf(allowHosts);
        }

        @JsonIgnore
        public boolean allowed() {
            return Boolean.TRUE.equals(allow);
        }
    }

    /**
     * Globs over tool names. {@code readOnly} names MCP tools ({@code <endpoint>__<tool>}) that
     * change nothing: they are simply run again on resume. Every other MCP tool is side-effecting
     * (journaled as an intent first, never silently repeated); a server's own {@code readOnlyHint}
     * is not trusted for that. Built-in tools keep their own marking. Left out of the policy's
     * serialised form (and so of its version) while empty.
     */
    public record Tools(List<String> allow, List<String> deny,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> readOnly) {
        public Tools {
            allow = allow == null ? List.of("*") : List.copyOf(allow);
            deny = deny == null ? List.of() : List.copyOf(deny);
            readOnly = readOnly == null ? List.of() : List.copyOf(readOnly);
        }

        public Tools(List<String> allow, List<String> deny) {
            this(allow, deny, null);
        }

        /** Whether the policy marks this (MCP) tool read-only. */
        public boolean marksReadOnly(String name) {
            return readOnly.stream().anyMatch(g -> Globs.matchesName(g, name));
        }
    }

    /**
     * Globs over workspace-relative paths; nothing outside the workspace is ever reachable.
     * {@code deny}: neither read nor written (secrets). {@code readOnly}: read, never written; by
     * default the repository's history, so that the agent can run {@code git status} or {@code git log}
     * but never rewrite {@code .git}.
     */
    public record Files(List<String> deny, List<String> readOnly, Boolean writable) {
        public Files {
            deny = deny == null ? List.of("**/.env") : List.copyOf(deny);
            readOnly = readOnly == null ? List.of(".git/**") : List.copyOf(readOnly);
            writable = writable == null ? Boolean.TRUE : writable;
        }

        public Files(List<String> deny, Boolean writable) {
            this(deny, null, writable);
        }
    }

    public record Shell(Boolean enabled, List<String> deny, Integer timeoutSeconds) {
        public Shell {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            deny = deny == null ? List.of() : List.copyOf(deny);
            timeoutSeconds = timeoutSeconds == null ? 60 : timeoutSeconds;
        }
    }

    public record Limits(Integer maxSteps, Long maxTokens, Integer maxToolOutputBytes) {
        public Limits {
            maxSteps = maxSteps == null ? 50 : maxSteps;
            maxTokens = maxTokens == null ? 200_000L : maxTokens;
            maxToolOutputBytes = maxToolOutputBytes == null ? 65_536 : maxToolOutputBytes;
        }
    }

    public record Review(Boolean model) {
        public Review {
            model = model == null ? Boolean.FALSE : model;
        }
    }

    /** Versions already computed: a run asks at every tool call, and a policy changes only on a reload. */
    private static final Map<Policy, String> VERSIONS = Collections.synchronizedMap(new WeakHashMap<>());

    /** The last policy asked and its version: nearly every call is for the policy in force, found by identity. */
    private static volatile Versioned last;

    private record Versioned(Policy policy, String version) {
    }

    /** The policy's version: a hash of its content, the same wherever the same rules are in force. */
    public String version() {
        Versioned known = last;
        if (known != null && known.policy() == this) {
            return known.version(); // no hashCode: a record's walks every rule
        }
        String version = VERSIONS.computeIfAbsent(this, Policy::hashContent);
        last = new Versioned(this, version);
        return version;
    }

    private static String hashContent(Policy policy) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(io.devagent.json.Json.write(policy).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the tool globs allow a tool name: allowed by one {@code tools.allow} glob and by no {@code tools.deny} glob. */
    public boolean allowsTool(String name) {
        return tools.allow().stream().anyMatch(g -> Globs.matchesName(g, name))
                && tools.deny().stream().noneMatch(g -> Globs.matchesName(g, name));
    }

    public Policy withNetwork(Network network) {
        return new Policy(network, tools, files, shell, limits, review, redact);
    }

    public Policy withLimits(Limits limits) {
        return new Policy(network, tools, files, shell, limits, review, redact);
    }
}
