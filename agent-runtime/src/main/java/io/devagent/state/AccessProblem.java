package io.devagent.state;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Says what a refused access to the state directory means and how to fix it: whose file it is, who
 * this process is. The usual cause is a state directory (a Docker volume) made by one user and used
 * by another, e.g. after {@code docker compose up} with another {@code AGENT_UID}.
 */
public final class AccessProblem {

    private record Ids(Object uid, Object gid) {
        @Override
        public String toString() {
            return uid + ":" + gid;
        }
    }

    private AccessProblem() {
    }

    /** One line: the path, its owner, this process's user, and the fix. */
    public static String describe(AccessDeniedException e, Path stateRoot) {
        Path path = Path.of(e.getFile());
        Optional<Ids> owner = ids(path).or(() -> Optional.ofNullable(path.getParent()).flatMap(AccessProblem::ids));
        // /proc/self belongs to this process's user.
        Optional<Ids> self = ids(Path.of("/proc/self"));
        return "permission denied on " + path
                + owner.map(o -> ": it belongs to uid:gid " + o).orElse("")
                + self.map(s -> " and this process runs as " + s).orElse("")
                + "; give the state directory to this user (chown -R " + self.map(Ids::toString).orElse("UID:GID") + " " + stateRoot
                + "; docker compose's dev-agent-state service does it at each up) or run as "
                + owner.map(o -> "uid " + o.uid()).orElse("its owner");
    }

    private static Optional<Ids> ids(Path path) {
        try {
            return Optional.of(new Ids(Files.getAttribute(path, "unix:uid"), Files.getAttribute(path, "unix:gid")));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
