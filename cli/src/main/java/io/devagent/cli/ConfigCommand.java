package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.config.Setting;
import io.devagent.config.Settings;
import io.devagent.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code agent config show}: the settings in force and where each came from. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Settings: where they come from and what is in force.",
        subcommands = {ConfigCommand.Show.class})
final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say show");
    }

    /** Settings the CLI was started with are handed to this command by {@link Main}. */
    interface SettingsAware {
        void settings(Settings settings);
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print each setting in force and where it came from.",
                    "Flags (on 'agent run') win over the environment,",
                    "which wins over the repository's .dev-agent/config.yaml, then $XDG_CONFIG_HOME/dev-agent/config.yaml",
                    "(default ~/.config), then the defaults. Secrets are masked."})
    static final class Show extends StateCommand implements Callable<Integer>, SettingsAware {

        @Option(names = "--json", description = "One JSON object: {\"VARIABLE\": {\"key\", \"value\", \"source\"}}")
        boolean json;

        private Settings settings;

        @Override
        public void settings(Settings settings) {
            this.settings = settings;
        }

        @Override
        public Integer call() {
            PrintWriter out = out();
            ObjectNode all = Json.object();
            for (Setting s : Settings.ALL) {
                String source = settings.source(s.variable());
                String value = env.get(s.variable()).map(v -> s.secret() ? "********" : v)
                        .orElseGet(() -> s.variable().equals("AGENT_STATE_DIR") ? state().root().toString() : s.fallback());
                if (json) {
                    all.putObject(s.variable()).put("key", s.path()).put("value", value).put("source", source);
                } else {
                    out.printf("%-22s %-21s %-42s %s%n", s.variable(), s.path(), value, source);
                }
            }
            if (json) {
                out.println(Json.pretty(all));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
