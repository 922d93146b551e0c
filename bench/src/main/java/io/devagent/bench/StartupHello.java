package io.devagent.bench;

/**
 * The baseline of the startup benchmark: a main that prints one line, run from a directory that
 * holds only this class, so its cold start is the JVM's own with the same JDK.
 */
public final class StartupHello {

    private StartupHello() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
