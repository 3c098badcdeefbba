package io.qaflow.model;

import static io.qaflow.model.Require.notBlank;

/**
 * The resolved configuration a request runs with. The gateway resolves it once and it travels in every
 * event, so workers never look it up and every outcome can be attributed to an experiment arm.
 *
 * @param model the requested answer model; {@link #AUTO_MODEL} means "whatever the answer worker is configured with"
 * @param temperature the LLM sampling temperature (0 to 2); null means the answer worker's setting
 */
public record Variant(String experimentId, String variant, String promptName, String promptVersion, String model,
                      int topK, Double temperature) {

    public static final String DEFAULT_EXPERIMENT = "default";
    public static final String CONTROL = "control";
    public static final String DEFAULT_PROMPT = "qa-answer";
    public static final String DEFAULT_PROMPT_VERSION = "1.0.0";
    public static final String AUTO_MODEL = "auto";
    public static final int DEFAULT_TOP_K = 5;

    public Variant {
        notBlank(experimentId, "experimentId");
        notBlank(variant, "variant");
        notBlank(promptName, "promptName");
        notBlank(promptVersion, "promptVersion");
        notBlank(model, "model");
        if (topK < 1 || topK > 50) {
            throw new IllegalArgumentException("topK must be in 1..50, was " + topK);
        }
        checkTemperature(temperature);
    }

    /** With the answer worker's temperature. */
    public Variant(String experimentId, String variant, String promptName, String promptVersion, String model,
                   int topK) {
        this(experimentId, variant, promptName, promptVersion, model, topK, null);
    }

    static void checkTemperature(Double temperature) {
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must lie in [0, 2], was " + temperature);
        }
    }

    /** The variant of requests outside any experiment. */
    public static Variant defaults(int topK) {
        return new Variant(DEFAULT_EXPERIMENT, CONTROL, DEFAULT_PROMPT, DEFAULT_PROMPT_VERSION, AUTO_MODEL, topK);
    }

    public Variant withTopK(int newTopK) {
        return new Variant(experimentId, variant, promptName, promptVersion, model, newTopK, temperature);
    }
}
