package io.qaflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.qaflow.model.kafka.JsonSerde;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON Schemas under docs/events/ describe what the serdes really write. */
class EventSchemaTest {
    private static final Path SCHEMAS = Path.of("..", "docs", "events").toAbsolutePath().normalize();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(m -> m.mapPrefix("https://qaflow.dev/events/", SCHEMAS.toUri().toString())));
    private static final ObjectMapper READER = new ObjectMapper();

    static Stream<Event> events() {
        return SampleEvents.all().stream();
    }

    @ParameterizedTest
    @MethodSource("events")
    void serializedEventsValidateAgainstTheirSchema(Event event) throws Exception {
        JsonNode json = serialize(event);

        Set<ValidationMessage> errors = schemaFor(event.getClass()).validate(json);

        assertThat(errors).isEmpty();
        assertThat(json.get("occurredAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void serializedVariantStatsValidateAgainstTheirSchema() throws Exception {
        JsonNode json = READER.readTree(new JsonSerde<>(VariantStats.class).serialize("any", SampleEvents.variantStats()));

        assertThat(schemaFor(VariantStats.class).validate(json)).isEmpty();
        ((ObjectNode) json).remove("late");
        assertThat(schemaFor(VariantStats.class).validate(json)).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("late"));
    }

    @Test
    void verdictSchemaAllowsNullOnlyWhereDocumentedAndNeverNaN() throws Exception {
        ObjectNode json = (ObjectNode) serialize(SampleEvents.experimentVerdict());
        ObjectNode metric = (ObjectNode) json.get("treatments").get(0).get("metrics").get(0);
        assertThat(json.get("treatments").get(0).get("metrics").get(1).get("pValue").isNull()).isTrue();

        metric.putNull("controlCount");
        metric.put("pValue", "NaN");
        json.remove("srmPValue");

        assertThat(schemaFor(ExperimentVerdict.class).validate(json)).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("controlCount"))
                .anyMatch(m -> m.contains("pValue"))
                .anyMatch(m -> m.contains("srmPValue"));
    }

    @Test
    void aSchemaRejectsAnEventMissingARequiredField() throws Exception {
        ObjectNode json = (ObjectNode) serialize(SampleEvents.answerCompleted());
        json.remove("degraded");
        json.put("costUsd", -1);

        Set<ValidationMessage> errors = schemaFor(AnswerCompleted.class).validate(json);

        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("degraded"))
                .anyMatch(m -> m.contains("costUsd"));
    }

    @Test
    void everyCatalogTopicHasASchemaFile() {
        for (Topic<String, ?> topic : Topics.ALL) {
            assertThat(SCHEMAS.resolve(topic.valueType().getSimpleName() + ".schema.json")).exists();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static JsonNode serialize(Event event) throws Exception {
        JsonSerde serde = new JsonSerde(event.getClass());
        return READER.readTree(serde.serialize("any", event));
    }

    private static JsonSchema schemaFor(Class<?> type) {
        Path file = SCHEMAS.resolve(type.getSimpleName() + ".schema.json");
        assertThat(Files.exists(file)).as("schema " + file).isTrue();
        return FACTORY.getSchema(SchemaLocation.of("https://qaflow.dev/events/" + file.getFileName()));
    }
}
