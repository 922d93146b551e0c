package io.devagent.run;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Run ids: sortable by start time, unique, and safe as file names ({@code 20261124-154807-3f9a2c}). */
public final class RunIds {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private RunIds() {
    }

    public static String next() {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return FORMAT.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-" + HexFormat.of().formatHex(random);
    }

    /** Whether a user-given id is safe to use as a directory and file name. */
    public static boolean valid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
