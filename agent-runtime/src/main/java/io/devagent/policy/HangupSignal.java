package io.devagent.policy;

/**
 * SIGHUP as "reload the policy" for the main runtime, as daemons do. The JVM would otherwise treat
 * it as a request to shut down.
 */
public final class HangupSignal {

    private HangupSignal() {
    }

    /** Runs {@code onHangup} on each SIGHUP; returns false where the platform has no SIGHUP. */
    @SuppressWarnings("removal")
    public static boolean handle(Runnable onHangup) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.ofPlatform().name("policy-reload").start(onHangup));
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }
}
