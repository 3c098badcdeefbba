package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;
import java.util.List;

/**
 * The retrieved context for a question; published by the embedder to {@code qa.contexts.v1}. It carries the
 * question and its variant on, so the answer worker needs nothing but this event.
 */
public record ContextRetrieved(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String requestId,
        String question,
        String userId,
        Variant variant,
        Instant acceptedAt,
        Instant deadline,
        List<SourceChunk> chunks,
        String corpusVersion,
        long embedMs,
        long retrieveMs,
        String apiKeyId,
        String semanticCandidate) implements RequestEvent {

    public static final int SCHEMA_VERSION = 1;

    public ContextRetrieved {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(requestId, "requestId");
        notBlank(question, "question");
        notNull(variant, "variant");
        notNull(acceptedAt, "acceptedAt");
        notNull(deadline, "deadline");
        chunks = List.copyOf(notNull(chunks, "chunks"));
        notBlank(corpusVersion, "corpusVersion");
    }

    public static ContextRetrieved of(QuestionAsked asked, List<SourceChunk> chunks, String corpusVersion,
                                      long embedMs, long retrieveMs, Instant now) {
        return of(asked, chunks, corpusVersion, embedMs, retrieveMs, now, null);
    }

    /**
     * @param semanticCandidate set when this request re-executes a semantic-cache hit to check it: the normalised
     *        question whose cached answer the new answer is compared with; null otherwise
     */
    public static ContextRetrieved of(QuestionAsked asked, List<SourceChunk> chunks, String corpusVersion,
                                      long embedMs, long retrieveMs, Instant now, String semanticCandidate) {
        return new ContextRetrieved(SCHEMA_VERSION, EventIds.random(), now, asked.requestId(), asked.question(),
                asked.userId(), asked.variant(), asked.acceptedAt(), asked.deadline(), chunks, corpusVersion, embedMs,
                retrieveMs, asked.apiKeyId(), semanticCandidate);
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(deadline);
    }
}
