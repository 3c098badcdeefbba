package io.qaflow.metrics.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AnswerFieldsDeserializerTest {
    private static final Instant AT = Instant.parse("2026-11-23T12:00:01.250Z");
    private final AnswerFieldsDeserializer reader = new AnswerFieldsDeserializer();

    @Test
    void readsTheCountedFieldsOfARealAnswerAndSkipsTheRest() {
        var answer = new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal("r1"), AT, "r1", "u",
                new Variant("prompt-v2", "concise", "qa-answer", "2.0.0", "gpt-4o-mini", 8), "Denver {\"won\"} [1]",
                List.of(new SourceChunk("doc-1", "doc-1#0", "Super Bowl 50", 0.9, "text {[")), "gpt-4o-mini", true,
                new TokenUsage(412, 37, false), 0.00123, new StageLatency(640, 12, 7, 600), null,
                AnswerCompleted.CacheHit.EXACT, null);

        AnswerFields fields = reader.deserialize("t", Topics.ANSWERS.valueSerde().serialize("t", answer));

        assertThat(fields).isEqualTo(new AnswerFields(answer.eventId(), AT, "prompt-v2", "concise", true, true, 412,
                37, 0.00123, new StageLatency(640, 12, 7, 600)));
        assertThat(Observation.of(fields)).isEqualTo(Observation.of(answer));
    }

    @Test
    void anAnswerOutsideAnyExperimentCountsUnderTheDefaultExperiment() {
        var answer = new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal("r2"), AT, "r2", "u",
                Variant.defaults(5), "a", List.of(), "m", false, TokenUsage.NONE, 0, StageLatency.NONE, null, null,
                null);

        AnswerFields fields = reader.deserialize("t", Topics.ANSWERS.valueSerde().serialize("t", answer));

        assertThat(fields.experimentId()).isEqualTo(Variant.DEFAULT_EXPERIMENT);
        assertThat(Observation.of(fields)).isEqualTo(Observation.of(answer));
    }

    @Test
    void aFieldOfTheWrongTypeMakesTheRecordUnreadable() {
        var answer = new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, "e-1", AT, "r3", "u", new Variant("prompt-v2",
                "concise", "qa-answer", "2.0.0", "m", 5), "a", List.of(), "m", false, new TokenUsage(1, 1, false), 0.5,
                new StageLatency(10, 1, 1, 5), null, null, null);
        String valid = new String(Topics.ANSWERS.valueSerde().serialize("t", answer), StandardCharsets.UTF_8);
        assertThat(reader.deserialize("t", valid.getBytes(StandardCharsets.UTF_8)).eventId()).isEqualTo("e-1");

        for (String[] change : List.of(
                new String[] {"\"eventId\":\"e-1\"", "\"eventId\":null"},
                new String[] {"\"eventId\":\"e-1\"", "\"eventId\":42"},
                new String[] {"\"eventId\":\"e-1\"", "\"eventId\":{\"variant\":\"x\"}"},
                new String[] {"\"variant\":\"concise\"", "\"variant\":null"},
                new String[] {"\"degraded\":false", "\"degraded\":\"no\""},
                new String[] {"\"costUsd\":0.5", "\"costUsd\":\"0.5\""})) {
            assertThat(valid).contains(change[0]);
            byte[] broken = valid.replace(change[0], change[1]).getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> reader.deserialize("t", broken)).as(change[1])
                    .isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void incompleteOrForeignRecordsAreUnreadable() {
        for (String json : List.of("{not json", "[]", "{}",
                "{\"schemaVersion\":2,\"eventId\":\"e\",\"occurredAt\":\"2026-11-23T12:00:00Z\"}",
                "{\"schemaVersion\":1,\"eventId\":\"e\",\"occurredAt\":\"yesterday\"}",
                "{\"schemaVersion\":1,\"eventId\":\"e\",\"occurredAt\":\"2026-11-23T12:00:00Z\","
                        + "\"variant\":{\"variant\":\"control\"},\"usage\":{\"promptTokens\":1,"
                        + "\"completionTokens\":1},\"costUsd\":0}")) {
            assertThatThrownBy(() -> reader.deserialize("t", json.getBytes(StandardCharsets.UTF_8)))
                    .as(json).isInstanceOf(SerializationException.class);
        }
    }
}
