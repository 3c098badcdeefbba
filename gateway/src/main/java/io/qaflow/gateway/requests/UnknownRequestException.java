package io.qaflow.gateway.requests;

/** No request with this id is known to this gateway (never accepted here, or its status retention ended). */
public final class UnknownRequestException extends RuntimeException {
    private final String requestId;

    public UnknownRequestException(String requestId) {
        super("no request " + requestId);
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }
}
