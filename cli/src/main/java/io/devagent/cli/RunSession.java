package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.model.ModelUnavailableException;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.run.RunException;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;

import java.io.PrintWriter;
import java.util.Optional;

/** Runs or resumes a run in this process and reports it the way SPEC.md says (output, --json, exit code). */
final class RunSession {

    private final AgentConfig config;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final Environment env;

    RunSession(AgentConfig config, Environment env, PrintWriter out, PrintWriter err, boolean json) {
        this.config = config;
        this.env = env;
        this.out = out;
        this.err = err;
        this.json = json;
    }

    int start(String goal, Optional<String> runId) {
        return execute((agent, control, listener) -> agent.start(goal, runId, control, listener));
    }

    int resume(String runId) {
        return execute((agent, control, listener) -> agent.resume(runId, control, listener));
    }

    private interface Execution {
        RunResult run(Agent agent, RunControl control, RunListener listener) throws Exception;
    }

    private int execute(Execution execution) {
        ProgressLine progress = new ProgressLine(err, ProgressLine.detect(json, env));
        RunListener listener = new RunListener() {
            @Override
            public void started(String runId, boolean resumed) {
                if (!json) {
                    out.println("run_id: " + runId);
                    out.flush();
                }
                progress.started(runId, resumed);
            }

            @Override
            public void progress(int step, long totalTokens, String activity) {
                progress.progress(step, totalTokens, activity);
            }
        };
        RunControl control = new RunControl();
        RunResult result;
        try (AutoCloseable ignored = SignalPause.arm(control)) {
            result = execution.run(new Agent(config), control, listener);
        } catch (ModelUnavailableException e) {
            progress.end();
            err.println("error: " + e.getMessage());
            return ExitCodes.UNREACHABLE;
        } catch (RunException e) {
            progress.end();
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        } catch (Exception e) {
            progress.end();
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        progress.end();
        return report(result);
    }

    private int report(RunResult result) {
        if (json) {
            var node = Json.object().put("run_id", result.runId()).put("status", result.status());
            if (result.answer() == null) {
                node.putNull("answer");
            } else {
                node.put("answer", result.answer());
            }
            node.put("steps", result.steps()).put("tokens", result.tokens().total());
            if (result.message() != null) {
                node.put("message", result.message());
            }
            out.println(Json.write(node));
        } else if (result.succeeded()) {
            out.println(result.answer());
        } else if (result.paused()) {
            err.println((result.modelUnavailable() ? "error: " + result.message() + "\n" : "")
                    + "paused at step " + result.steps() + "; continue with: agent checkpoints resume " + result.runId());
        } else {
            err.println("error: run " + result.runId() + " failed at step " + result.steps() + ": " + result.message());
        }
        out.flush();
        err.flush();
        if (result.succeeded()) {
            return ExitCodes.OK;
        }
        if (result.paused()) {
            return result.modelUnavailable() ? ExitCodes.UNREACHABLE : ExitCodes.SIGINT;
        }
        return ExitCodes.FAILED;
    }
}
