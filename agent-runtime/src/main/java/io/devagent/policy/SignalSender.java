package io.devagent.policy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * SIGHUP to another process by libc's {@code kill(2)}, called through the foreign function API:
 * the image has no {@code kill} program to run, and a JVM cannot signal another process otherwise.
 */
public final class SignalSender {

    /** SIGHUP is 1 on every Unix the JVM runs on. */
    private static final int SIGHUP = 1;
    private static final int EPERM = 1;
    private static final int ESRCH = 3;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    /** {@code int kill(pid_t, int)}, or empty where libc has none (Windows). */
    private static final Optional<MethodHandle> KILL = lookup();

    private SignalSender() {
    }

    private static Optional<MethodHandle> lookup() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("kill").map(address -> linker.downcallHandle(address,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.captureCallState("errno")));
    }

    /** Sends SIGHUP to {@code pid}; the exception's message says why it could not, in a user's words. */
    public static void hangup(long pid) throws IOException {
        if (KILL.isEmpty()) {
            throw new IOException("this platform cannot send signals");
        }
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IOException("pid " + pid + " is not a process id");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) KILL.get().invokeExact(state, (int) pid, SIGHUP);
            if (result == 0) {
                return;
            }
            int errno = (int) ERRNO.get(state, 0L);
            throw new IOException(switch (errno) {
                case EPERM -> "not permitted: it runs as another user (run this as the runtime's user)";
                case ESRCH -> "no such process (it may have just stopped, or run in another pid namespace)";
                default -> "kill(2) failed with errno " + errno;
            });
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("cannot call kill(2): " + e.getMessage(), e);
        }
    }
}
