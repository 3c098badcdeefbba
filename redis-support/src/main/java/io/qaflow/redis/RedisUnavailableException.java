package io.qaflow.redis;

/** Redis could not serve a call (down, unreachable, too slow, or switched off); callers use their fallback. */
public final class RedisUnavailableException extends RuntimeException {
    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
