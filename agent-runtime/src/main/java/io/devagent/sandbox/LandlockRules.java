package io.devagent.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * What a Landlock-confined command may reach: hierarchies it may read and execute, hierarchies it
 * may also change, the sockets it may open, and the one TCP port it may connect to (0: none; only
 * meaningful with {@link SeccompProgram.Sockets#TCP_AND_UNIX}).
 */
public record LandlockRules(List<Path> readable, List<Path> writable, SeccompProgram.Sockets sockets, int proxyPort) {

    public LandlockRules {
        readable = List.copyOf(readable);
        writable = List.copyOf(writable);
    }
}
