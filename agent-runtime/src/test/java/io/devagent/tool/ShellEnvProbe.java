package io.devagent.tool;

import io.devagent.config.Environment;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyLoader;

import java.nio.file.Path;

/**
 * Run by {@link RunShellToolTest} in a child JVM whose real environment holds secrets: it runs
 * {@code env} through run_shell exactly as the runtime would (environment from the process) and
 * prints what the command saw.
 */
public final class ShellEnvProbe {

    private ShellEnvProbe() {
    }

    public static void main(String[] args) throws Exception {
        Environment env = Environment.system();
        ToolContext ctx = new ToolContext(new Workspace(Path.of(args[0])), PolicyLoader.effective(Policy.defaults(), env), env);
        ToolResult result = new RunShellTool().execute(ToolFixtures.args("command", "env; echo probe-done"), ctx);
        System.out.println(result.output());
    }
}
