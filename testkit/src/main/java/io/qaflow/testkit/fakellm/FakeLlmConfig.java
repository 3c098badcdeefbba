package io.qaflow.testkit.fakellm;

import java.time.Duration;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the fake behaves. Immutable; the server swaps the whole value atomically, so a change applies to the calls
 * received after it.
 *
 * @param latency fixed delay before every chat-completion response (errors included)
 * @param jitter extra delay, uniform in {@code [0, jitter)}, added to {@code latency}
 * @param errorRate share of chat calls answered with {@code errorStatus}, 0..1. The pattern is deterministic: call
 *     {@code n} (0-based, counted since the last rate change) fails when {@code floor((n+1)·rate) > floor(n·rate)},
 *     so a rate of 0.5 fails every second call and 1.0 fails every call
 * @param errorStatus HTTP status of injected errors (400..599; typically 429, 500, 503)
 * @param retryAfter the {@code Retry-After} header (whole seconds, rounded up) sent with an injected 429 or 503;
 *     zero sends none
 * @param hang when true every chat call is accepted and never answered until {@code hangTimeout} has passed (then
 *     a 504) or the server stops
 * @param hangTimeout how long a hung call is held
 * @param stallBody when true every chat call is answered with {@code 200} headers and the first bytes of the body,
 *     then the rest of the body is withheld until {@code hangTimeout} has passed (then the response ends,
 *     truncated) or the server stops: a client whose timeout only covers the headers waits that long
 * @param model the model name reported when a request names none, and listed by {@code GET /v1/models}
 */
public record FakeLlmConfig(Duration latency, Duration jitter, double errorRate, int errorStatus, Duration retryAfter,
                            boolean hang, Duration hangTimeout, boolean stallBody, String model) {

    public static final String DEFAULT_MODEL = "fake-gpt";

    public FakeLlmConfig {
        requireNonNegative(latency, "latency");
        requireNonNegative(jitter, "jitter");
        requireNonNegative(retryAfter, "retryAfter");
        requireNonNegative(hangTimeout, "hangTimeout");
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("errorRate must be in 0..1, was " + errorRate);
        }
        if (errorStatus < 400 || errorStatus > 599) {
            throw new IllegalArgumentException("errorStatus must be 400..599, was " + errorStatus);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
    }

    /** Answers at once, never fails, holds hung calls for 10 minutes if hang is switched on. */
    public static FakeLlmConfig defaults() {
        return new FakeLlmConfig(Duration.ZERO, Duration.ZERO, 0.0, 500, Duration.ofSeconds(1), false,
                Duration.ofMinutes(10), false, DEFAULT_MODEL);
    }

    public FakeLlmConfig withLatency(Duration newLatency) {
        return new FakeLlmConfig(newLatency, jitter, errorRate, errorStatus, retryAfter, hang, hangTimeout, stallBody, model);
    }

    public FakeLlmConfig withLatency(Duration newLatency, Duration newJitter) {
        return new FakeLlmConfig(newLatency, newJitter, errorRate, errorStatus, retryAfter, hang, hangTimeout, stallBody, model);
    }

    /** Fails {@code rate} of the calls with {@code status}. */
    public FakeLlmConfig withErrors(double rate, int status) {
        return new FakeLlmConfig(latency, jitter, rate, status, retryAfter, hang, hangTimeout, stallBody, model);
    }

    public FakeLlmConfig withErrorStatus(int status) {
        return new FakeLlmConfig(latency, jitter, errorRate, status, retryAfter, hang, hangTimeout, stallBody, model);
    }

    public FakeLlmConfig withRetryAfter(Duration newRetryAfter) {
        return new FakeLlmConfig(latency, jitter, errorRate, errorStatus, newRetryAfter, hang, hangTimeout, stallBody, model);
    }

    public FakeLlmConfig withHang(boolean newHang) {
        return new FakeLlmConfig(latency, jitter, errorRate, errorStatus, retryAfter, newHang, hangTimeout, stallBody, model);
    }

    public FakeLlmConfig withHangTimeout(Duration newHangTimeout) {
        return new FakeLlmConfig(latency, jitter, errorRate, errorStatus, retryAfter, hang, newHangTimeout, stallBody, model);
    }

    public FakeLlmConfig withStallBody(boolean newStallBody) {
        return new FakeLlmConfig(latency, jitter, errorRate, errorStatus, retryAfter, hang, hangTimeout, newStallBody,
                model);
    }

    public FakeLlmConfig withModel(String newModel) {
        return new FakeLlmConfig(latency, jitter, errorRate, errorStatus, retryAfter, hang, hangTimeout, stallBody, newModel);
    }

    /** Healthy again: no errors, no hang, no stalled body; latency and model kept. */
    public FakeLlmConfig healthy() {
        return new FakeLlmConfig(latency, jitter, 0.0, errorStatus, retryAfter, false, hangTimeout, stallBody, model);
    }

    /**
     * This config with the fields present in {@code patch} replaced. Fields: {@code latencyMs}, {@code jitterMs},
     * {@code errorRate}, {@code errorStatus}, {@code retryAfterSeconds}, {@code hang}, {@code hangTimeoutMs},
     * {@code stallBody}, {@code model}. Unknown fields are rejected, so a typo in a load test does not pass silently.
     */
    public FakeLlmConfig merge(JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object");
        }
        for (String name : patch.propertyNames()) {
            if (!KNOWN_FIELDS.contains(name) && !"failNext".equals(name)) {
                throw new IllegalArgumentException("unknown config field '" + name + "'; known: " + KNOWN_FIELDS
                        + ", failNext");
            }
        }
        return new FakeLlmConfig(
                millis(patch, "latencyMs", latency),
                millis(patch, "jitterMs", jitter),
                patch.has("errorRate") ? number(patch, "errorRate").doubleValue() : errorRate,
                patch.has("errorStatus") ? number(patch, "errorStatus").intValue() : errorStatus,
                patch.has("retryAfterSeconds") ? Duration.ofSeconds(number(patch, "retryAfterSeconds").longValue())
                        : retryAfter,
                patch.has("hang") ? bool(patch, "hang") : hang,
                millis(patch, "hangTimeoutMs", hangTimeout),
                patch.has("stallBody") ? bool(patch, "stallBody") : stallBody,
                patch.has("model") ? patch.get("model").asString() : model);
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("latencyMs", latency.toMillis());
        node.put("jitterMs", jitter.toMillis());
        node.put("errorRate", errorRate);
        node.put("errorStatus", errorStatus);
        node.put("retryAfterSeconds", retryAfterSeconds());
        node.put("hang", hang);
        node.put("hangTimeoutMs", hangTimeout.toMillis());
        node.put("stallBody", stallBody);
        node.put("model", model);
        return node;
    }

    long retryAfterSeconds() {
        return (retryAfter.toMillis() + 999) / 1000;
    }

    private static final java.util.List<String> KNOWN_FIELDS = java.util.List.of("latencyMs", "jitterMs", "errorRate",
            "errorStatus", "retryAfterSeconds", "hang", "hangTimeoutMs", "stallBody", "model");

    private static Duration millis(JsonNode patch, String field, Duration current) {
        return patch.has(field) ? Duration.ofMillis(number(patch, field).longValue()) : current;
    }

    private static Number number(JsonNode patch, String field) {
        JsonNode value = patch.get(field);
        if (!value.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number");
        }
        return value.numberValue();
    }

    private static boolean bool(JsonNode patch, String field) {
        JsonNode value = patch.get(field);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false");
        }
        return value.booleanValue();
    }

    private static void requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
