package io.devagent.cli;

import io.devagent.policy.PolicyException;
import io.devagent.policy.PolicyLoader;
import io.devagent.state.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code agent policies init [FILE]}: writes a commented starter policy, never over an existing file unless told. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Write a commented starter policy.",
                "It holds every field with its default, and approvals for write_file, edit_file and run_shell; it goes to",
                "FILE, by default the policy file of the state directory (<state>/policies/policy.yaml).",
                "An existing file is left alone unless --force is given."})
final class PoliciesInit extends StateCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "Where to write it (default: the state directory's policy file)")
    Path file;

    @Option(names = "--force", description = "Replace an existing file")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Path target = file != null ? file.toAbsolutePath() : state().policyFile();
        if (Files.exists(target) && !force) {
            err().println("error: " + target + " already exists; it was left alone (give --force to replace it)");
            return ExitCodes.USAGE;
        }
        byte[] starter;
        try (InputStream in = PoliciesInit.class.getResourceAsStream("starter-policy.yaml")) {
            starter = in.readAllBytes();
        }
        try {
            PolicyLoader.parse(new String(starter, java.nio.charset.StandardCharsets.UTF_8), "starter policy");
        } catch (PolicyException e) {
            throw new IllegalStateException("the built-in starter policy does not validate: " + e.getMessage(), e);
        }
        Files.createDirectories(target.getParent());
        AtomicFiles.write(target, starter, true);
        out().println("wrote a starter policy to " + target + "; edit it, then check it with: agent policies validate " + target);
        return ExitCodes.OK;
    }
}
