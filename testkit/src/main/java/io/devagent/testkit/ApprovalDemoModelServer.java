package io.devagent.testkit;

import io.devagent.testkit.ScriptedModelServer.Reply;

import java.util.concurrent.CountDownLatch;

/**
 * A scripted model for the README's approvals and follow-ups walk-through: it writes NOTES.md,
 * counts its lines in the shell and answers; asked a follow-up, it reads the file back and answers
 * again. Replies go by the conversation's assistant turns, so a resumed or continued run gets the
 * next one. Prints its base URL, then serves until killed.
 */
public final class ApprovalDemoModelServer {

    private ApprovalDemoModelServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        ScriptedModelServer server = ScriptedModelServer.start()
                .selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .models("demo-model")
                .script(
                        Reply.toolCall("write_file", "{\"path\":\"NOTES.md\",\"content\":\"# Notes\\nBuild: mvn verify\\nRun: ./agent run GOAL\\n\"}"),
                        Reply.toolCall("run_shell", "{\"command\":\"wc -l NOTES.md\"}"),
                        Reply.text("I wrote NOTES.md (3 lines): how to build and how to run."),
                        Reply.toolCall("read_file", "{\"path\":\"NOTES.md\"}"),
                        Reply.text("NOTES.md has a title and two how-to lines; nothing else needs adding."));
        System.out.println(server.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
