package io.qaflow.gateway.api;

/** Media types and descriptions shared by the controllers' OpenAPI annotations. */
final class ApiDocs {
    private ApiDocs() {}

    static final String JSON = "application/json";
    static final String PROBLEM = "application/problem+json";
    static final String BAD_REQUEST = "Invalid body, field or header (problem+json naming each field)";
    static final String TOO_LARGE = "Body larger than allowed";
    static final String UNSUPPORTED = "Content-Type is not application/json";
    static final String UNAVAILABLE = "Kafka unavailable or the gateway not ready; see Retry-After";
}
