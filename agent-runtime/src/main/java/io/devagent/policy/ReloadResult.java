package io.devagent.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The outcome of one attempt to load the policy: {@code ok} with the version now in force, or the
 * reason the file was rejected (the previous version stays). {@code seq} counts attempts, so a
 * client that asked for a reload can tell when its attempt has been made.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReloadResult(long seq, boolean ok, String version, @JsonProperty("previous_version") String previousVersion,
                           String error, String file, String at, String trigger, Policy policy) {
}
