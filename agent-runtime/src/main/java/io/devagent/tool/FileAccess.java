package io.devagent.tool;

import io.devagent.policy.Globs;

import java.nio.file.Path;

/** The checks every file tool applies: workspace confinement, then the policy's file rules. */
final class FileAccess {

    private FileAccess() {
    }

    static Path readable(ToolContext ctx, String path) throws ToolException {
        Path real = ctx.workspace().resolve(path);
        String rel = ctx.workspace().relative(real);
        // Both names count: the real one (a link to .env is .env) and the one given (a link named .env is .env too).
        String given = Path.of(path.trim()).normalize().toString().replace('\\', '/');
        given = given.isEmpty() ? "." : given;
        for (String name : new String[] {rel, given}) {
            if (denied(ctx, name)) {
                throw ToolException.denied("refused '" + path + "': the policy denies access to " + name + " (files.deny)");
            }
        }
        return real;
    }

    static Path writable(ToolContext ctx, String path) throws ToolException {
        if (!ctx.policy().files().writable()) {
            throw ToolException.denied("refused: the policy makes the workspace read-only (files.writable: false)");
        }
        Path real = readable(ctx, path);
        if (real.equals(ctx.workspace().root())) {
            throw ToolException.badArguments("'" + path + "' is the workspace itself; give a file path");
        }
        String rel = ctx.workspace().relative(real);
        if (Globs.matchesPath(ctx.policy().files().readOnly(), rel)) {
            throw ToolException.denied("refused '" + path + "': the policy makes " + rel + " read-only (files.readOnly)");
        }
        return real;
    }

    static boolean denied(ToolContext ctx, String relative) {
        return !relative.equals(".") && Globs.matchesPath(ctx.policy().files().deny(), relative);
    }
}
