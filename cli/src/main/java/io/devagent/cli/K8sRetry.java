package io.devagent.cli;

import io.devagent.k8s.api.AgentRun;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.io.PrintWriter;
import java.util.Optional;

/** {@code agent --k8s checkpoints resume NAME} of a Failed AgentRun: raises {@code spec.retry}, which the operator acts on once. */
final class K8sRetry {

    private K8sRetry() {
    }

    /** Patches {@code spec.retry} one up; returns the generation to follow. {@code say} (may be null) hears what was done. */
    static long ask(Resource<AgentRun> resource, AgentRun run, PrintWriter say) {
        int next = Optional.ofNullable(run.getSpec().retry()).orElse(0) + 1;
        AgentRun patched = resource.patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(),
                "{\"spec\":{\"retry\":" + next + "}}");
        if (say != null) {
            say.println("retrying failed AgentRun " + run.getMetadata().getNamespace() + "/" + run.getMetadata().getName()
                    + " (spec.retry " + next + "): it goes on from its last checkpoint");
        }
        return Optional.ofNullable(patched.getMetadata().getGeneration()).orElse(1L);
    }
}
