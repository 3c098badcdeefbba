package io.qaflow.model;

import static io.qaflow.model.Require.envelope;
import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.time.Instant;
import java.util.Map;

/**
 * A document of the corpus, keyed by its caller-chosen id on the compacted {@code qa.documents.v1}: the latest
 * record per id is the document, a tombstone deletes it.
 */
public record DocumentSubmitted(int schemaVersion, String eventId, Instant occurredAt, String documentId,
                                String title, String text, Map<String, String> metadata) implements Event {

    public static final int SCHEMA_VERSION = 1;

    public DocumentSubmitted {
        envelope(schemaVersion, eventId, occurredAt);
        notBlank(documentId, "documentId");
        title = title == null ? "" : title;
        notBlank(text, "text");
        metadata = Map.copyOf(notNull(metadata, "metadata"));
    }

    public static DocumentSubmitted of(String documentId, String title, String text, Map<String, String> metadata,
                                       Instant now) {
        return new DocumentSubmitted(SCHEMA_VERSION, EventIds.random(), now, documentId, title, text, metadata);
    }
}
