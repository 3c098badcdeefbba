package io.qaflow.local.drill;

import java.util.Locale;

/**
 * What the clients of one drill saw.
 *
 * @param accepted requests a gateway accepted (a request id came back: 200, 202, or a 503 naming the request)
 * @param answered accepted requests that ended ANSWERED
 * @param failed accepted requests that ended FAILED
 * @param expired accepted requests that ended EXPIRED
 * @param lost accepted requests that never reached a terminal state a client could read
 * @param duplicates requests (or Idempotency-Keys) for which a client saw two different terminal results
 * @param degraded ANSWERED requests answered degraded (the LLM's fallback)
 * @param p99Ms the 99th percentile of time from the first submit to the terminal state seen
 * @param recoverySeconds from the fault until the last request sent after it that did not go well (refused, failed,
 *        expired, degraded or slow); 0 when none did
 * @param refused requests no gateway accepted within the client's retries (503 with nothing accepted)
 */
public record DrillResult(String drill, long accepted, long answered, long failed, long expired, long lost,
                          long duplicates, long degraded, long p99Ms, double recoverySeconds, long refused) {

    /** The drill's line: {@code drill <name>: accepted=N answered=N … recovery_s=N}. */
    public String line() {
        return String.format(Locale.ROOT, "drill %s: accepted=%d answered=%d failed=%d expired=%d lost=%d "
                        + "duplicates=%d degraded=%d p99_ms=%d recovery_s=%.1f", drill, accepted, answered, failed,
                expired, lost, duplicates, degraded, p99Ms, recoverySeconds);
    }

    public boolean lostNothing() {
        return lost == 0 && duplicates == 0;
    }
}
