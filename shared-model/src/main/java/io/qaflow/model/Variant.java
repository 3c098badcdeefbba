package io.qaflow.model;

import static io.qaflow.model.Require.notBlank;

/**
 * The resolved configuration a request runs with. The gateway resolves it once and it travels in every
 * event, so workers never look it up and every outcome can be attributed to an experiment arm.
 *
 * @param model the requested answer model; {@link #AUTO_MODEL} means "whatever the answer worker is configured with"
 */
public record Variant(String experimentId, String variant, String promptName, String promptVersion, String model, int topK) {

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
    }

    /** The variant of requests outside any experiment. */
    public static Variant defaults(int topK) {
        return new Variant(DEFAULT_EXPERIMENT, CONTROL, DEFAULT_PROMPT, DEFAULT_PROMPT_VERSION, AUTO_MODEL, topK);
    }

    public Variant withTopK(int newTopK) {
        return new Variant(experimentId, variant, promptName, promptVersion, model, newTopK);
    }
}
