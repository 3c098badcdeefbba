package io.qaflow.testkit.fakellm;

import java.time.Instant;

/**
 * One chat call the fake answered, kept so tests can check what arrived and when (e.g. that a retry came after the
 * {@code Retry-After} delay).
 *
 * @param receivedAt when the request arrived
 * @param status the HTTP status answered; 0 when none was (the server closed while holding the call)
 * @param stream whether it asked for streaming
 * @param model the model it asked for
 * @param temperature the sampling temperature it asked for; null when it left the server's default
 */
public record FakeLlmCall(Instant receivedAt, int status, boolean stream, String model, Double temperature) {}
