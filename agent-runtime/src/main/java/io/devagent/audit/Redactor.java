package io.devagent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of everything the runtime writes or prints: the values of secret environment
 * variables, well-known token shapes, and the policy's own patterns.
 */
public final class Redactor {

    public static final String MASK = "[REDACTED]";

    private static final Pattern SECRET_NAME = Pattern.compile(".*(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIAL).*");
    /** Field names that hold a secret: {@code token}, and also {@code access_token}, {@code client_secret}, {@code x-api-key}... */
    private static final Pattern SECRET_FIELD = Pattern.compile("(?i).*(authorization|api[_-]?key|token|secret|password|passwd)");
    private static final List<Pattern> KNOWN_SHAPES = List.of(
            Pattern.compile("sk-[A-Za-z0-9_-]{16,}"),
            Pattern.compile("gh[pousr]_[A-Za-z0-9]{20,}"),
            Pattern.compile("github_pat_[A-Za-z0-9_]{20,}"),
            Pattern.compile("AKIA[0-9A-Z]{16}"),
            Pattern.compile("xox[abprs]-[A-Za-z0-9-]{10,}"),
            Pattern.compile("(?i)(?<=bearer )[A-Za-z0-9._~+/-]{8,}=*"),
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----"));

    private static final Pattern BACK_REFERENCE = Pattern.compile("\\\\(\\d|k<)");
    /** Field names seen so far and whether they name a secret: a run uses a few dozen names, over and over. */
    private static final Map<String, Boolean> SECRET_FIELDS = new ConcurrentHashMap<>();

    private final List<String> secrets;
    private final List<Pattern> patterns;
    /** {@link #patterns} as one alternation, so that a string is scanned once, not once per pattern. */
    private final Pattern anyPattern;
    /** Patterns with back references, which an alternation would renumber: applied on their own. */
    private final List<Pattern> alone;

    private Redactor(List<String> secrets, List<Pattern> patterns) {
        this.secrets = secrets;
        this.patterns = patterns;
        List<Pattern> combinable = patterns.stream().filter(p -> !BACK_REFERENCE.matcher(p.pattern()).find()).toList();
        this.anyPattern = Pattern.compile(String.join("|", combinable.stream().map(p -> "(?:" + p.pattern() + ")").toList()));
        this.alone = patterns.stream().filter(p -> !combinable.contains(p)).toList();
    }

    /** Secrets from the environment's secret-named variables, plus the given extra patterns. */
    public static Redactor from(Environment env, List<String> extraPatterns) {
        List<String> secrets = new ArrayList<>();
        for (Map.Entry<String, String> e : env.variables().entrySet()) {
            String name = e.getKey().toUpperCase(Locale.ROOT);
            String value = e.getValue();
            if (value != null && value.length() >= 6 && SECRET_NAME.matcher(name).matches()) {
                secrets.add(value);
            }
        }
        // Longest first, so that a secret containing another is masked whole.
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        List<Pattern> patterns = new ArrayList<>(KNOWN_SHAPES);
        extraPatterns.forEach(p -> patterns.add(Pattern.compile(p)));
        return new Redactor(List.copyOf(secrets), List.copyOf(patterns));
    }

    public static Redactor none() {
        return new Redactor(List.of(), KNOWN_SHAPES);
    }

    /** A redactor that also masks {@code moreSecrets}, e.g. tokens read from files. */
    public Redactor withSecrets(List<String> moreSecrets) {
        List<String> all = new ArrayList<>(secrets);
        moreSecrets.stream().filter(s -> s != null && s.length() >= 4).forEach(all::add);
        all.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(all), patterns);
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        out = anyPattern.matcher(out).replaceAll(MASK);
        for (Pattern pattern : alone) {
            out = pattern.matcher(out).replaceAll(MASK);
        }
        return out;
    }

    private static boolean secretField(String name) {
        Boolean known = SECRET_FIELDS.get(name);
        if (known == null) {
            known = SECRET_FIELD.matcher(name).matches();
            if (SECRET_FIELDS.size() < 10_000) { // names come from tools and models: bounded, not trusted
                SECRET_FIELDS.put(name, known);
            }
        }
        return known;
    }

    /** A redacted deep copy: string values are redacted, and fields named like secrets are masked. */
    public JsonNode redact(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(redact(node.asText()));
        }
        if (node.isObject()) {
            ObjectNode copy = Json.object();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                boolean secretField = field.getValue().isTextual() && secretField(field.getKey());
                copy.set(field.getKey(), secretField ? TextNode.valueOf(MASK) : redact(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.array();
            node.forEach(item -> copy.add(redact(item)));
            return copy;
        }
        return node;
    }
}
