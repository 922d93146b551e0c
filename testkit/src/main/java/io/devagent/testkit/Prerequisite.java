package io.devagent.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a test needs of the machine (a program, a sandbox, a browser, a Docker image). Where it is
 * missing the test is skipped, except in CI ({@code CI=true}), where it fails: CI must not pass by skipping.
 */
public final class Prerequisite {

    private Prerequisite() {
    }

    /** Skips, or in CI fails, when there is a {@code problem} with {@code what} the test needs. */
    public static void require(String what, Optional<String> problem) {
        if (problem.isEmpty()) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("this test needs " + what + ", which CI must provide: " + problem.get());
        }
        Assumptions.abort("this test needs " + what + ": " + problem.get());
    }

    /** Skips, or in CI fails, when the program at {@code path} is not installed. */
    public static void requireProgram(String path) {
        require(path, Files.isExecutable(Path.of(path)) ? Optional.empty() : Optional.of(path + " is not installed"));
    }
}
