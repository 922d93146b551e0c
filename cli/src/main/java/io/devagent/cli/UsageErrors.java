package io.devagent.cli;

import picocli.CommandLine;

import java.util.List;

/**
 * A command line picocli cannot take: one line saying what is wrong (with a suggestion when picocli
 * has one), and where the whole usage is, instead of the usage itself.
 */
final class UsageErrors {

    private UsageErrors() {
    }

    static int handle(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String message = e.getMessage() == null ? "bad usage" : e.getMessage().lines().findFirst().orElse("bad usage");
        String suggestion = "";
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                suggestion = " (did you mean " + suggestions.getFirst() + "?)";
            }
        }
        command.getErr().println("error: " + message + suggestion + "; see 'agent " + path(command) + "--help'");
        command.getErr().flush();
        return ExitCodes.USAGE;
    }

    /** The subcommand's words after {@code agent}, each followed by a space. */
    private static String path(CommandLine command) {
        StringBuilder words = new StringBuilder();
        for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
            words.insert(0, c.getCommandName() + " ");
        }
        return words.toString();
    }
}
