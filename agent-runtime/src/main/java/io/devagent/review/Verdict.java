package io.devagent.review;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.util.List;

/** The reviewer's verdict on a step: ok, or the findings the model must hear about. */
public record Verdict(boolean ok, List<String> findings, int filesChecked, String modelVerdict) {

    public ObjectNode toJson() {
        ObjectNode node = Json.object().put("ok", ok).put("files_checked", filesChecked);
        var array = node.putArray("findings");
        findings.forEach(array::add);
        if (modelVerdict != null) {
            node.put("model", modelVerdict);
        }
        return node;
    }

    /** What the model reads when the verdict has findings. */
    public String noteForModel() {
        return "Reviewer: " + String.join(" ", findings);
    }
}
