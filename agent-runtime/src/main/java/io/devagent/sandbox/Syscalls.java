package io.devagent.sandbox;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The Linux system calls the shell sandbox makes, through libc's {@code syscall(2)} and Java's
 * foreign function API: no native code of our own. Every call acts on the calling thread only
 * (no_new_privs, Landlock and seccomp are per-thread until inherited by a child), so they are made
 * from a platform thread dedicated to one shell command.
 */
final class Syscalls {

    /** The numbers that differ between the two architectures the sandbox knows; Landlock's are the same on both. */
    record Table(int auditArch, long prctl, long seccomp, long kill, long socket, long ptrace, long processVmReadv,
                 long processVmWritev, long unshare, long setns, long cloneNr, long mount, long umount2, long pivotRoot,
                 long keyctl, long addKey, long requestKey, long bpf, long perfEventOpen, long userfaultfd,
                 long openByHandleAt, long openat, long close, long kexecLoad, long initModule, long finitModule) {
    }

    static final long LANDLOCK_CREATE_RULESET = 444;
    static final long LANDLOCK_ADD_RULE = 445;
    static final long LANDLOCK_RESTRICT_SELF = 446;
    static final long IO_URING_SETUP = 425;
    static final long IO_URING_ENTER = 426;
    static final long IO_URING_REGISTER = 427;
    static final long CLONE3 = 435;

    static final Table X86_64 = new Table(0xC000003E, 157, 317, 62, 41, 101, 310, 311, 272, 308, 56, 165, 166, 155,
            250, 248, 249, 321, 298, 323, 304, 257, 3, 246, 175, 313);
    static final Table AARCH64 = new Table(0xC00000B7, 167, 277, 129, 198, 117, 270, 271, 97, 268, 220, 40, 39, 41,
            219, 217, 218, 280, 241, 282, 265, 56, 57, 104, 105, 273);

    /** This machine's table, or null on an architecture the sandbox does not know. */
    static final Table TABLE = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64" -> X86_64;
        case "aarch64", "arm64" -> AARCH64;
        default -> null;
    };

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    private Syscalls() {
    }

    /** A failed call: the call's name and errno. */
    static final class Failure extends Exception {
        final int errno;

        Failure(String call, int errno) {
            super(call + " failed (errno " + errno + ")");
            this.errno = errno;
        }
    }

    /** {@code syscall(nr, a, b, c, d, 0)} (unused arguments are zero, as prctl requires); its result, or a {@link Failure} carrying errno. */
    static long call(String name, long nr, long a, long b, long c, long d) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            long result = (long) SYSCALL.invokeExact(state, nr, a, b, c, d, 0L);
            if (result == -1) {
                throw new Failure(name, (int) ERRNO.get(state, 0L));
            }
            return result;
        } catch (Failure e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot call " + name, e);
        }
    }

    static long call(String name, long nr, long a, long b, long c) throws Failure {
        return call(name, nr, a, b, c, 0);
    }
}
