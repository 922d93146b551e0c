package io.devagent.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The config files: {@code .dev-agent/config.yaml} in the repository and
 * {@code $XDG_CONFIG_HOME/dev-agent/config.yaml} (default {@code ~/.config}). Their values go under
 * the environment: flags, then the environment, then the repository's file, then the user's file,
 * then the defaults. Each file is checked whole: an unknown field, a nested value where a plain one
 * belongs, or bad YAML is an error naming the file, the line, the field and what is allowed.
 */
public final class ConfigFiles {

    public static final String REPOSITORY_FILE = ".dev-agent/config.yaml";

    private ConfigFiles() {
    }

    /** The settings in force for a CLI started with {@code env} on {@code workspace}. */
    public static Settings resolve(Environment env, Path workspace) throws ConfigException {
        Map<String, String> values = new HashMap<>(env.variables());
        Map<String, String> sources = new LinkedHashMap<>();
        for (Setting s : Settings.ALL) {
            if (env.get(s.variable()).isPresent()) {
                sources.put(s.variable(), Settings.FROM_ENVIRONMENT);
            }
        }
        Path repository = workspace.resolve(REPOSITORY_FILE);
        Optional<Path> user = userFile(env);
        for (Path file : user.isPresent() ? List.of(repository, user.get()) : List.of(repository)) {
            boolean isRepository = file == repository;
            for (Map.Entry<Setting, String> entry : read(file, isRepository).entrySet()) {
                String variable = entry.getKey().variable();
                if (!sources.containsKey(variable)) {
                    values.put(variable, resolvePath(entry.getKey(), entry.getValue(), isRepository ? workspace : file.getParent()));
                    sources.put(variable, file.toString());
                }
            }
        }
        return new Settings(new Environment(values), sources);
    }

    /** {@code $XDG_CONFIG_HOME/dev-agent/config.yaml}, else {@code $HOME/.config/dev-agent/config.yaml}. */
    public static Optional<Path> userFile(Environment env) {
        return env.get("XDG_CONFIG_HOME").map(Path::of)
                .or(() -> env.get("HOME").map(home -> Path.of(home, ".config")))
                .map(dir -> dir.resolve("dev-agent").resolve("config.yaml"));
    }

    /** A file's settings; none when it does not exist. */
    static Map<Setting, String> read(Path file, boolean repository) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString(), repository);
    }

    static Map<Setting, String> parse(String text, String source, boolean repository) throws ConfigException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(source + (line > 0 ? ":" + line : "") + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
        }
        Map<Setting, String> found = new LinkedHashMap<>();
        if (root == null) {
            return found; // empty, or only comments
        }
        if (!(root instanceof MappingNode sections)) {
            throw problem(source, root, "the file must be a mapping of sections: " + sections());
        }
        for (NodeTuple section : sections.getValue()) {
            String name = key(section, source);
            List<Setting> inSection = Settings.ALL.stream().filter(s -> s.path().startsWith(name + ".")).toList();
            if (inSection.isEmpty()) {
                throw problem(source, section.getKeyNode(), "unknown field '" + name + "'; allowed: " + sections());
            }
            if (!(section.getValueNode() instanceof MappingNode fields)) {
                throw problem(source, section.getValueNode(), "field '" + name + "' must be a mapping with: " + fieldsOf(inSection, name));
            }
            for (NodeTuple field : fields.getValue()) {
                String path = name + "." + key(field, source);
                Setting setting = inSection.stream().filter(s -> s.path().equals(path)).findFirst()
                        .orElseThrow(() -> problem(source, field.getKeyNode(), "unknown field '" + path + "'; allowed in '" + name + "': "
                                + fieldsOf(inSection, name)));
                if (!(field.getValueNode() instanceof ScalarNode value)) {
                    throw problem(source, field.getValueNode(), "field '" + path + "' must be a single value (text, number or true/false)");
                }
                if (repository && !setting.fromRepository()) {
                    throw problem(source, field.getKeyNode(), "field '" + path + "' cannot be set by a repository's file (it could "
                            + "loosen the sandbox or expose a secret); set " + setting.variable() + " or put it in your own "
                            + "$XDG_CONFIG_HOME/dev-agent/config.yaml");
                }
                found.put(setting, value.getValue());
            }
        }
        return found;
    }

    private static String resolvePath(Setting setting, String value, Path base) {
        boolean isPath = setting.path().equals("state.dir") || setting.path().equals("policy.file");
        return isPath && base != null && !Path.of(value).isAbsolute() ? base.resolve(value).normalize().toString() : value;
    }

    private static String key(NodeTuple tuple, String source) throws ConfigException {
        if (tuple.getKeyNode() instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw problem(source, tuple.getKeyNode(), "a field name must be plain text");
    }

    private static String sections() {
        return Settings.ALL.stream().map(s -> s.path().substring(0, s.path().indexOf('.'))).distinct().collect(Collectors.joining(", "));
    }

    private static String fieldsOf(List<Setting> settings, String section) {
        return settings.stream().map(s -> s.path().substring(section.length() + 1)).collect(Collectors.joining(", "));
    }

    private static ConfigException problem(String source, Node node, String message) {
        return new ConfigException(source + ":" + (node.getStartMark().getLine() + 1) + ": " + message);
    }
}
