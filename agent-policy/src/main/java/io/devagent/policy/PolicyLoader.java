package io.devagent.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.devagent.config.Environment;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/** Reads and validates policy YAML, and combines it with the environment into the policy in force. */
public final class PolicyLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // A second "files:" must not silently replace the first (and with it, say, writable: false).
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private PolicyLoader() {
    }

    /** The file's policy, or the defaults when there is no file. */
    public static Policy load(Path file) throws PolicyException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Policy.defaults();
        } catch (IOException e) {
            throw new PolicyException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static Policy parse(String yaml, String source) throws PolicyException {
        Policy policy;
        try {
            // A file of only comments (a template with every line commented out) has no content: the defaults.
            JsonNode document = YAML.readTree(yaml);
            policy = document == null || document.isMissingNode() || document.isNull() ? null : YAML.readValue(yaml, Policy.class);
        } catch (JsonMappingException e) {
            throw new PolicyException(PolicyErrors.describe(e, source, yaml));
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null && marked.getProblem() != null) {
                // SnakeYAML's own first line is the context ("while parsing a block mapping", where the mapping began), not the problem.
                throw new PolicyException(source + ":" + (marked.getProblemMark().getLine() + 1) + ": not valid YAML: " + marked.getProblem());
            }
            var where = e.getLocation();
            throw new PolicyException(source + (where == null ? "" : ":" + where.getLineNr()) + ": not valid YAML: " + firstLine(e.getOriginalMessage()));
        }
        if (policy == null) {
            policy = Policy.defaults();
        }
        List<String> problems = validate(policy);
        if (!problems.isEmpty()) {
            throw new PolicyException(source + ": " + String.join("; ", problems));
        }
        return policy;
    }

    static List<String> validate(Policy p) {
        List<String> problems = new ArrayList<>();
        if (p.limits().maxSteps() < 1) {
            problems.add("field 'limits.maxSteps': must be at least 1");
        }
        if (p.limits().maxTokens() < 1) {
            problems.add("field 'limits.maxTokens': must be at least 1");
        }
        if (p.limits().maxToolOutputBytes() < 256 || p.limits().maxToolOutputBytes() > 16 * 1024 * 1024) {
            problems.add("field 'limits.maxToolOutputBytes': must be between 256 and 16777216 (16 MiB)");
        }
        if (p.shell().timeoutSeconds() < 1) {
            problems.add("field 'shell.timeoutSeconds': must be at least 1");
        }
        for (int i = 0; i < p.redact().size(); i++) {
            try {
                Pattern.compile(p.redact().get(i));
            } catch (PatternSyntaxException e) {
                problems.add("field 'redact[" + i + "]': not a valid regular expression: " + e.getDescription());
            }
        }
        return problems;
    }

    /** The most restrictive of the policy and the environment: {@code ALLOW_NET} (default false) can only narrow network. */
    public static Policy effective(Policy policy, Environment env) {
        boolean envAllows = env.flag("ALLOW_NET", false);
        boolean allow = envAllows && (policy.network().allow() == null || policy.network().allow());
        return policy.withNetwork(new Policy.Network(allow, policy.network().allowHosts()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
