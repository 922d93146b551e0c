package io.devagent.state;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A second JVM for {@link RunLockTest}: {@code hold FILE} takes the run lock, prints {@code locked <pid>}
 * and keeps it until stdin closes or the process is killed; {@code probe FILE} prints whether it could
 * take the lock and exits.
 */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        Optional<RunLock> lock = RunLock.tryAcquire(file);
        if (args[0].equals("probe")) {
            System.out.println(lock.isPresent() ? "acquired" : "refused");
            System.out.flush();
            if (lock.isPresent()) {
                lock.get().close();
            }
            return;
        }
        if (lock.isEmpty()) {
            System.out.println("refused");
            System.out.flush();
            return;
        }
        System.out.println("locked " + ProcessHandle.current().pid());
        System.out.flush();
        // Hold the lock until the parent closes our stdin or kills us.
        while (System.in.read() >= 0) {
            // keep reading
        }
        lock.get().close();
    }
}
