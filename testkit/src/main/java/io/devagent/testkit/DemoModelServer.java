package io.devagent.testkit;

import io.devagent.testkit.ScriptedModelServer.Reply;

import java.util.concurrent.CountDownLatch;

/**
 * A scripted model for demos (scripts/checkpoint-demo.sh): it looks around the workspace, takes a
 * few seconds on its third turn (time to pause the run), writes a summary and answers. Prints its
 * base URL, then serves until killed.
 */
public final class DemoModelServer {

    private DemoModelServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        long slowMillis = args.length > 0 ? Long.parseLong(args[0]) : 4000;
        ScriptedModelServer server = ScriptedModelServer.start()
                .selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .models("demo-model")
                .script(
                        Reply.toolCalls(new ScriptedModelServer.ToolCallSpec("update_plan",
                                "{\"plan\":\"1. list the files 2. read the README 3. write SUMMARY.md 4. answer\"}"),
                                new ScriptedModelServer.ToolCallSpec("list_files", "{\"path\":\".\"}")),
                        Reply.toolCall("read_file", "{\"path\":\"README.md\"}"),
                        Reply.delayed(slowMillis, Reply.toolCall("write_file",
                                "{\"path\":\"SUMMARY.md\",\"content\":\"# Summary\\nA demo repository with a README.\\n\"}")),
                        Reply.text("This is a demo repository with a README; I wrote SUMMARY.md."));
        System.out.println(server.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
