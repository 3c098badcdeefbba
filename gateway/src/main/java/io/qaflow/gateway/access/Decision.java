package io.qaflow.gateway.access;

/**
 * A rate limiter's answer to one request.
 *
 * @param allowed whether the request got a token
 * @param limit tokens a full bucket holds (the burst): what {@code remaining} counts down from
 * @param remaining whole tokens left after this request
 * @param millisUntilNextToken 0 when a token is left, else how long until the next one
 * @param millisUntilFull how long until the bucket is full again
 * @param shared true when decided on the bucket shared by all replicas (Redis), false on this replica's own
 */
public record Decision(boolean allowed, int limit, long remaining, long millisUntilNextToken, long millisUntilFull,
                       boolean shared) {

    /** {@code Retry-After} in whole seconds, at least 1 (a client told 0 would retry at once). */
    public long retryAfterSeconds() {
        return Math.max(1, Math.ceilDiv(millisUntilNextToken, 1000));
    }

    /** {@code RateLimit-Reset}: whole seconds until {@code remaining} is back at {@code limit}. */
    public long resetSeconds() {
        return Math.ceilDiv(millisUntilFull, 1000);
    }
}
