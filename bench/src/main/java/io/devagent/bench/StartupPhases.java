package io.devagent.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a resumed process's time goes, from its {@code -Xlog:class+load,startuptime} log. Each
 * phase ends where the next begins; a begin is the first load of a class that only that part of
 * the code uses. The log's {@code timenanos} is the monotonic clock of {@link System#nanoTime()},
 * so the child's marks line up with the spawn and the request arrival timed in the benchmark's JVM.
 */
record StartupPhases(List<Phase> phases) {

    /** A phase and its length in nanoseconds. */
    record Phase(String name, String covers, long nanos) {
    }

    /** Each phase with the log text that ends it: a class that only the next part of the code loads (null: the request's arrival). */
    private static final List<String[]> PHASES = List.of(
            new String[] {"JVM boot", "the JVM initialises (its `Create VM`)", "Create VM"},
            new String[] {"to main", "the launcher opens the jar and loads the main class", " io.devagent.cli.Main "},
            new String[] {"CLI setup", "picocli builds the command tree and parses the arguments", " io.devagent.cli.RunSession "},
            new String[] {"run setup", "policy file, model settings, tool registry, MCP endpoints, run lock", " io.devagent.checkpoint.Journal "},
            new String[] {"journal read", "the journal's lines read and parsed (one pass)", " io.devagent.checkpoint.RunJournal$Recovered "},
            new String[] {"recover + audit open", "the run rebuilt from its entries, the model's context window asked of the server, "
                    + "the audit log reopened", " io.devagent.run.RunLoop "},
            // The first request's own class: the window probe already loaded the HTTP client's.
            new String[] {"loop start", "conversation rebuilt, resume status, review, snapshot, audit sync, request body built",
                    " io.devagent.run.ContextStep$Request "},
            new String[] {"first request", "the HTTP request made and sent, until it has arrived", null});

    private static final Pattern LINE = Pattern.compile("^\\[(\\d+)ns\\]\\[(\\d+)ns\\](.*)$");

    /** {@code spawned}, {@code arrived} and {@code exited} are {@link System#nanoTime()} readings of this JVM. */
    static StartupPhases read(Path log, long spawned, long arrived, long exited) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Map<String, Long> at = new LinkedHashMap<>();
        Long vmStart = null;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long time = Long.parseLong(m.group(1));
            if (vmStart == null) {
                vmStart = time - Long.parseLong(m.group(2));
            }
            String text = m.group(3);
            for (String[] phase : PHASES) {
                if (phase[2] != null && !at.containsKey(phase[2]) && text.contains(phase[2])) {
                    at.put(phase[2], time);
                }
            }
        }
        if (vmStart == null) {
            throw new IllegalStateException("the class-load log " + log + " is empty");
        }
        List<Phase> phases = new ArrayList<>();
        phases.add(new Phase("process start", "fork and exec, the `java` launcher, until the JVM's clock starts", vmStart - spawned));
        long previous = vmStart;
        String name = "";
        String covers = "";
        for (String[] phase : PHASES) {
            name = name.isEmpty() ? phase[0] : name + " + " + phase[0];
            covers = covers.isEmpty() ? phase[1] : covers + "; " + phase[1];
            Long end = phase[2] == null ? Long.valueOf(arrived) : at.get(phase[2]);
            if (end == null) {
                continue; // not seen (another code path): the phase is merged into the next
            }
            phases.add(new Phase(name, covers, end - previous));
            previous = end;
            name = "";
            covers = "";
        }
        phases.add(new Phase("after the request", "the answer, the final step committed, exit", exited - arrived));
        return new StartupPhases(phases);
    }
}
