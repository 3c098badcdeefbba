package io.qaflow.model;

import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

/**
 * The request an event is about, as every event of it repeats: its id, who asked, the experiment arm it was given,
 * and the id (never the secret) of the API key it came with.
 *
 * @param userId the caller's user id, or null
 * @param apiKeyId the API key's id, or null when the gateway runs without keys
 */
public record RequestRef(String requestId, String userId, Variant variant, String apiKeyId) {

    public RequestRef {
        notBlank(requestId, "requestId");
        notNull(variant, "variant");
    }

    public static RequestRef of(QuestionAsked asked) {
        return new RequestRef(asked.requestId(), asked.userId(), asked.variant(), asked.apiKeyId());
    }

    public static RequestRef of(AnswerCompleted answer) {
        return new RequestRef(answer.requestId(), answer.userId(), answer.variant(), answer.apiKeyId());
    }

    public static RequestRef of(ContextRetrieved context) {
        return new RequestRef(context.requestId(), context.userId(), context.variant(), context.apiKeyId());
    }
}
