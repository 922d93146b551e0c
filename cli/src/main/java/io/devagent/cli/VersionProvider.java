package io.devagent.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version stamped into the jar at build time. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    /** {@code dev-agent VERSION (Java N)}. */
    static String line() {
        Properties props = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev-agent-version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException ignored) {
            // an unknown version is still a version line
        }
        return "dev-agent " + props.getProperty("version", "unknown") + " (Java " + Runtime.version().feature() + ")";
    }
}
