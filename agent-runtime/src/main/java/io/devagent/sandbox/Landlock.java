package io.devagent.sandbox;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Landlock, the kernel's unprivileged access control: a ruleset of allowed file hierarchies and TCP
 * ports, applied to the calling thread and inherited by everything it starts. Anything the ruleset
 * handles and no rule allows is refused (EACCES), whatever the file modes say.
 */
final class Landlock {

    static final long EXECUTE = 1, WRITE_FILE = 1 << 1, READ_FILE = 1 << 2, READ_DIR = 1 << 3, REMOVE_DIR = 1 << 4,
            REMOVE_FILE = 1 << 5, MAKE_CHAR = 1 << 6, MAKE_DIR = 1 << 7, MAKE_REG = 1 << 8, MAKE_SOCK = 1 << 9,
            MAKE_FIFO = 1 << 10, MAKE_BLOCK = 1 << 11, MAKE_SYM = 1 << 12, REFER = 1 << 13, TRUNCATE = 1 << 14;
    /** The rights that make sense on a file (the rest are about a directory's entries). */
    static final long FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE;
    static final long READ = EXECUTE | READ_FILE | READ_DIR;
    static final long CONNECT_TCP = 1 << 1;
    static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1, SCOPE_SIGNAL = 1 << 1;

    private static final long O_PATH = 0x200000, O_CLOEXEC = 0x80000, AT_FDCWD = -100;
    private static final int RULE_PATH_BENEATH = 1, RULE_NET_PORT = 2;

    private Landlock() {
    }

    /** The kernel's Landlock ABI version, or a negative errno when it has none (38: not built in, 95: turned off). */
    static int abi() {
        if (Syscalls.TABLE == null) {
            return -38;
        }
        try {
            return (int) Syscalls.call("landlock_create_ruleset", Syscalls.LANDLOCK_CREATE_RULESET, 0, 0, 1);
        } catch (Syscalls.Failure e) {
            return -e.errno;
        }
    }

    /** Every file-system right this ABI knows: the ones a ruleset handles, so that unlisted paths get none. */
    static long fileSystemRights(int abi) {
        long rights = REFER * 2 - 1; // EXECUTE .. REFER
        if (abi < 2) {
            rights &= ~REFER;
        }
        if (abi >= 3) {
            rights |= TRUNCATE;
        }
        return rights;
    }

    /** A ruleset being built; {@link #restrictSelf} applies it to the calling thread. */
    static final class Ruleset implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final int abi;
        private final long handledFs;
        private final long fd;

        Ruleset(int abi, boolean handleTcpConnect, boolean scope) throws Syscalls.Failure {
            this.abi = abi;
            this.handledFs = fileSystemRights(abi);
            MemorySegment attr = arena.allocate(24, 8);
            attr.set(ValueLayout.JAVA_LONG, 0, handledFs);
            attr.set(ValueLayout.JAVA_LONG, 8, handleTcpConnect ? CONNECT_TCP : 0);
            attr.set(ValueLayout.JAVA_LONG, 16, scope ? SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL : 0);
            long size = scope ? 24 : handleTcpConnect ? 16 : 8;
            this.fd = Syscalls.call("landlock_create_ruleset", Syscalls.LANDLOCK_CREATE_RULESET, attr.address(), size, 0);
        }

        /** Allows {@code rights} on {@code path} and everything beneath it; a path that does not exist is skipped. */
        void allow(Path path, long rights) throws Syscalls.Failure {
            if (!Files.exists(path)) {
                return;
            }
            long allowed = rights & handledFs & (Files.isDirectory(path) ? -1L : FILE_RIGHTS);
            if (allowed == 0) {
                return;
            }
            MemorySegment name = arena.allocateFrom(path.toString());
            long pathFd;
            try {
                pathFd = Syscalls.call("open " + path, Syscalls.TABLE.openat(), AT_FDCWD, name.address(), O_PATH | O_CLOEXEC);
            } catch (Syscalls.Failure e) {
                return; // unreachable for us, so nothing to allow
            }
            try {
                MemorySegment attr = arena.allocate(12, 4);
                attr.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, allowed);
                attr.set(ValueLayout.JAVA_INT_UNALIGNED, 8, (int) pathFd);
                Syscalls.call("landlock_add_rule " + path, Syscalls.LANDLOCK_ADD_RULE, fd, RULE_PATH_BENEATH, attr.address(), 0);
            } finally {
                Syscalls.call("close", Syscalls.TABLE.close(), pathFd, 0, 0);
            }
        }

        /** Allows TCP connections to {@code port} (on any address: Landlock knows ports, not hosts). */
        void allowConnect(int port) throws Syscalls.Failure {
            MemorySegment attr = arena.allocate(16, 8);
            attr.set(ValueLayout.JAVA_LONG, 0, CONNECT_TCP);
            attr.set(ValueLayout.JAVA_LONG, 8, port);
            Syscalls.call("landlock_add_rule port " + port, Syscalls.LANDLOCK_ADD_RULE, fd, RULE_NET_PORT, attr.address(), 0);
        }

        /** Applies the ruleset to the calling thread (which must have no_new_privs) and to all it starts from now on. */
        void restrictSelf() throws Syscalls.Failure {
            Syscalls.call("landlock_restrict_self", Syscalls.LANDLOCK_RESTRICT_SELF, fd, 0, 0);
        }

        int abi() {
            return abi;
        }

        @Override
        public void close() {
            try {
                Syscalls.call("close", Syscalls.TABLE.close(), fd, 0, 0);
            } catch (Syscalls.Failure ignored) {
                // already closed
            } finally {
                arena.close();
            }
        }
    }
}
