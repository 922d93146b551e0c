package io.devagent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Token usage the scripted server reports: a deterministic estimate of about four characters a token. */
record Usage(int prompt, int completion) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Usage estimate(JsonNode request, JsonNode message) {
        int prompt = Math.max(1, request.path("messages").toString().length() / 4);
        int completion = Math.max(1, message.toString().length() / 4);
        return new Usage(prompt, completion);
    }

    ObjectNode toJson() {
        return JSON.createObjectNode()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }
}
