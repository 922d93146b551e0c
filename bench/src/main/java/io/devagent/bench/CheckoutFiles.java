package io.devagent.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the startup benchmark finds what users run: the {@code ./agent} launcher and the shaded
 * {@code cli/target/agent.jar} of this checkout, and the JDK the benchmark itself runs on.
 */
record CheckoutFiles(Path root, Path launcher, Path jar, Path java) {

    static CheckoutFiles locate() {
        Path root = findRoot();
        Path jar = root.resolve("cli").resolve("target").resolve("agent.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it with 'mvn -B -pl cli -am package -DskipTests'");
        }
        return new CheckoutFiles(root, root.resolve("agent"), jar, Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** {@code bench.root} (bench/run sets it), else the current directory or its parent (Maven runs tests in bench/). */
    private static Path findRoot() {
        String property = System.getProperty("bench.root");
        if (property != null) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("agent")) && Files.isRegularFile(p.resolve("cli").resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the checkout's root from " + here + "; set -Dbench.root");
    }
}
