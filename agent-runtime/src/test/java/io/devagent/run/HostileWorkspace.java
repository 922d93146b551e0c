package io.devagent.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hostile suites' ground: a secret file and directory beside the workspace, links to them from
 * inside it, and the files the default policy denies ({@code .env}, {@code sub/.env},
 * {@code .git/config}), each holding its own secret so that a leak names its way out.
 */
record HostileWorkspace(Path secret, Path outdir) {

    /** The secrets the files hold; each suite has its own, so that a leak is traced to its suite. */
    record Secrets(String outside, String inner, String env, String subEnv, String git) {
    }

    static String gitConfig(String secret) {
        return "[remote \"origin\"]\n\turl = https://user:" + secret + "@example.invalid/r.git\n";
    }

    static HostileWorkspace prepare(Path root, Path ws, Secrets secrets) throws IOException {
        Path secret = Files.writeString(root.resolve("secret.txt"), secrets.outside() + "\n");
        Path outdir = Files.createDirectories(root.resolve("outdir"));
        Files.writeString(outdir.resolve("inner.txt"), secrets.inner() + "\n");
        Files.writeString(ws.resolve("inside.txt"), "inside content\n");
        Files.createSymbolicLink(ws.resolve("link-to-secret"), secret);
        Files.createSymbolicLink(ws.resolve("link-to-outdir"), outdir);
        Files.createDirectories(ws.resolve("sub"));
        Files.writeString(ws.resolve(".env"), "API_TOKEN=" + secrets.env() + "\n");
        Files.writeString(ws.resolve("sub/.env"), "DB_PASSWORD=" + secrets.subEnv() + "\n");
        Files.createDirectories(ws.resolve(".git/hooks"));
        Files.writeString(ws.resolve(".git/config"), gitConfig(secrets.git()));
        return new HostileWorkspace(secret, outdir);
    }
}
