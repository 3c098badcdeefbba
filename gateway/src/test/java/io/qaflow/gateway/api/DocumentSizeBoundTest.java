package io.qaflow.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.DocumentSubmitted;
import io.qaflow.model.kafka.Topics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The validation limits of a document keep its event within one Kafka record, whatever characters it holds. */
class DocumentSizeBoundTest {
    /** The producer's default max.request.size less the room the gateway keeps for headers. */
    private static final int MAX_RECORD_BYTES = 1024 * 1024 - 4 * 1024;

    @Test
    void theLargestValidDocumentFitsInOneRecordEvenWhenEveryCharacterIsEscaped() {
        // a control character is written as a six-byte \\u escape, the most any character costs
        String escaped = "\u0001";
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (int i = 0; i < ScalarMetadata.MAX_ENTRIES; i++) {
            String key = String.format("%03d", i) + escaped.repeat(ScalarMetadata.MAX_KEY_CHARS - 3);
            metadata.put(key, escaped.repeat(ScalarMetadata.MAX_VALUE_CHARS));
        }
        DocumentInput largest = new DocumentInput("d".repeat(256), escaped.repeat(1_000),
                escaped.repeat(100_000), metadata);
        DocumentSubmitted event = DocumentSubmitted.of(largest.id(), largest.title(), largest.text(),
                largest.metadataAsStrings(), Instant.parse("2026-01-01T00:00:00Z"));

        byte[] value = Topics.DOCUMENTS.valueSerde().serialize(Topics.DOCUMENTS.name(), event);

        assertThat(value.length).as("bytes of the largest valid document event")
                .isGreaterThan(600_000)
                .isLessThanOrEqualTo(MAX_RECORD_BYTES - largest.id().length());
    }
}
