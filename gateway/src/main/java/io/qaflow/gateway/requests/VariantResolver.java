package io.qaflow.gateway.requests;

import io.qaflow.model.Variant;

/** Chooses the variant (experiment arm: prompt, model, topK) a new request runs with. */
public interface VariantResolver {

    /**
     * @param userId the caller's user id, or null
     * @param requestedTopK the topK the caller asked for, or null for the variant's own
     */
    Variant resolve(String requestId, String userId, Integer requestedTopK);

    /** Outside any experiment: {@link Variant#defaults}, with the caller's topK when given. */
    static VariantResolver defaults() {
        return (requestId, userId, requestedTopK) ->
                Variant.defaults(requestedTopK != null ? requestedTopK : Variant.DEFAULT_TOP_K);
    }
}
