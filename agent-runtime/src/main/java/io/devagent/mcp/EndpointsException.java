package io.devagent.mcp;

/** {@code tools/mcp_endpoints.json} cannot be used as it is: the message names the file and the field. */
public final class EndpointsException extends Exception {

    public EndpointsException(String message) {
        super(message);
    }
}
