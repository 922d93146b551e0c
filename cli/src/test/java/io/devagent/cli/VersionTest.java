package io.devagent.cli;

import io.devagent.config.Environment;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent --version} is answered before picocli is set up, with picocli's own line. */
class VersionTest {

    @Test
    void theShortcutPrintsWhatPicocliWould() {
        StringWriter picocli = new StringWriter();
        Main.commandLine(new Environment(Map.of())).printVersionHelp(new PrintWriter(picocli, true));

        for (String option : new String[] {"--version", "-V"}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new String[] {option}, new Environment(Map.of()), new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).isZero();
            assertThat(out.toString()).isEqualTo(picocli.toString()).startsWith("dev-agent ").contains("(Java ");
            assertThat(err.toString()).isEmpty();
        }
    }
}
