package io.devagent.bench;

import java.util.Locale;

/** Number formatting for the report: fixed, locale-independent. */
final class Fmt {

    private Fmt() {
    }

    /** Milliseconds with a precision that suits the magnitude. */
    static String ms(double millis) {
        double abs = Math.abs(millis);
        String pattern = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, millis);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, Math.abs(value) >= 10 ? "%.1f×" : "%.2f×", value);
    }

    static String bytes(long bytes) {
        return String.format(Locale.ROOT, "%,d", bytes);
    }
}
