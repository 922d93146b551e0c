package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * axe-core (the accessibility checker, installed from npm by {@code a11y/package-lock.json}) run in
 * the page that a {@link Chromium} shows: WCAG 2.0, 2.1 and 2.2 A and AA rules, colour contrast
 * included. Its script is put into the page through WebDriver, as axe's own Selenium binding does.
 */
final class Axe {

    static final String INSTALL = "(cd a11y && npm ci)";

    private Axe() {
    }

    /** {@code a11y/node_modules/axe-core/axe.min.js}, looked for from the working directory up. */
    static Optional<Path> script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("a11y/node_modules/axe-core/axe.min.js");
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The violations of impact serious or critical on the page as it is now, one line each (empty: none). */
    static List<String> seriousViolations(Chromium browser) throws Exception {
        String source = Files.readString(script().orElseThrow(() -> new IllegalStateException("axe-core is missing: " + INSTALL)));
        browser.script(source + "\nreturn typeof window.axe;");
        JsonNode result = browser.asyncScript("""
                window.axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
                                          resultTypes: ['violations']})
                  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' '))}))))
                  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
                """, Duration.ofSeconds(60));
        List<String> serious = new ArrayList<>();
        for (JsonNode v : result) {
            String impact = v.path("impact").asText();
            if ("serious".equals(impact) || "critical".equals(impact)) {
                serious.add(impact + " " + v.path("id").asText() + " (" + v.path("help").asText() + "): " + v.path("nodes"));
            }
        }
        return serious;
    }
}
