package io.devagent.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The two baselines, the fsync floor and the loopback round trip, sampled in blocks spread over
 * the benchmark (one before each group of timed runs) and pooled, so that a change in the machine's
 * load while the benchmark runs weighs on the baselines as on the runs.
 */
final class Baselines {

    private final Path dir;
    private final byte[] line;
    private final byte[] request;
    private final List<Long> fsync = new ArrayList<>();
    private final List<Long> rtt = new ArrayList<>();
    private int blocks;

    Baselines(Path dir, byte[] line, byte[] request) {
        this.dir = dir;
        this.line = line;
        this.request = request;
    }

    /**
     * One block of each: {@code ops} timed operations after untimed ones. The round trip needs a long
     * warm-up the first time: the JIT keeps making the HTTP client and server faster for thousands of requests.
     */
    void sample(int fsyncWarmup, int rttWarmup, int ops) throws IOException, InterruptedException {
        for (long sample : FsyncFloor.measure(dir, line, fsyncWarmup, ops)) {
            fsync.add(sample);
        }
        for (long sample : LoopbackRoundTrip.measure(request, rttWarmup, ops)) {
            rtt.add(sample);
        }
        blocks++;
    }

    Summary fsync() {
        return Summary.of(fsync);
    }

    Summary rtt() {
        return Summary.of(rtt);
    }

    int blocks() {
        return blocks;
    }

    int lineBytes() {
        return line.length;
    }

    int requestBytes() {
        return request.length;
    }
}
