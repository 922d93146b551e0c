package io.devagent.bench;

import io.devagent.daemon.Protocol;
import io.devagent.daemon.RuntimeClient;
import io.devagent.run.RunResult;
import io.devagent.state.PidFile;
import io.devagent.state.StateDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A batch of goals handed at once to a running main runtime over its real socket, as
 * {@code agent run "GOAL"} hands them: one {@link RuntimeClient} connection per goal, each followed
 * to its result by a thread of its own. All connections are open before the goals are sent; the
 * batch is timed from sending them to the last result.
 */
final class RuntimeBatch {

    /**
     * A finished batch. {@code processCpuNanos} is this whole JVM's; {@code followerCpuNanos} the
     * part the following threads used (reading events), which is the clients', not the runtime's.
     */
    record Batch(int runs, int stepsPerRun, long elapsedNanos, long[] runNanos, long stepsCommitted, long processCpuNanos,
                 long followerCpuNanos, ModelServerProcess.Stats server, double machineBusy) {
        double stepsPerSecond() {
            return stepsCommitted / (elapsedNanos / 1e9);
        }

        long runtimeCpuNanos() {
            return processCpuNanos - followerCpuNanos;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RuntimeBatch() {
    }

    static Batch run(StateDir state, Path workspace, ModelServerProcess server, int runs, int toolSteps, String label) throws Exception {
        PidFile.Owner owner = RuntimeClient.runtime(state).orElseThrow(() -> new IllegalStateException("no main runtime is alive for " + state.root()));
        List<RuntimeClient> clients = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            clients.add(RuntimeClient.connect(state, owner));
        }
        CountDownLatch gate = new CountDownLatch(1);
        long[] runNanos = new long[runs];
        RuntimeClient.Outcome[] outcomes = new RuntimeClient.Outcome[runs];
        Exception[] failures = new Exception[runs];
        AtomicLong followerCpu = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            int n = i;
            String goal = "Read " + ScriptedRun.FILE + " " + toolSteps + " times, one read_file call per step, then say you are done ("
                    + label + ", run " + n + ").";
            threads.add(Thread.ofPlatform().daemon().name("follower-" + n).start(() -> {
                try (RuntimeClient client = clients.get(n)) {
                    gate.await();
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    long started = System.nanoTime();
                    outcomes[n] = client.follow(Protocol.runRequest(goal, Optional.empty(), workspace, false), (id, resumed) -> {
                    });
                    runNanos[n] = System.nanoTime() - started;
                    followerCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu);
                } catch (Exception e) {
                    failures[n] = e;
                }
            }));
        }
        BatchClock clock = BatchClock.start(server);
        gate.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        BatchClock.Used batch = clock.stop();
        long elapsed = batch.elapsedNanos();
        long cpu = batch.cpuNanos();
        double machineBusy = batch.machineBusy();
        ModelServerProcess.Stats used = batch.server();

        long steps = 0;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            if (failures[i] != null) {
                problems.add("run " + i + ": " + failures[i]);
            } else if (!(outcomes[i] instanceof RuntimeClient.Outcome.Finished(RunResult result))) {
                problems.add("run " + i + ": " + outcomes[i]);
            } else if (!result.succeeded() || result.steps() != toolSteps + 1) {
                problems.add("run " + i + " (" + result.runId() + ") ended " + result.status() + " after " + result.steps() + " steps: " + result.message());
            } else {
                steps += result.steps();
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(problems.size() + " of " + runs + " runs did not finish with " + (toolSteps + 1)
                    + " steps; first: " + String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
        }
        return new Batch(runs, toolSteps + 1, elapsed, runNanos, steps, cpu, followerCpu.get(), used, machineBusy);
    }
}
