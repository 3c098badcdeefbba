package io.qaflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.model.kafka.JsonSerde;
import io.qaflow.model.kafka.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSerdeTest {

    static java.util.stream.Stream<Event> events() {
        return SampleEvents.all().stream();
    }

    @ParameterizedTest
    @MethodSource("events")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void roundTripsEveryEvent(Event event) {
        JsonSerde serde = new JsonSerde(event.getClass());
        assertThat(serde.deserialize("t", serde.serialize("t", event))).isEqualTo(event);
    }

    @Test
    void readsEventsWithUnknownFieldsAndUnknownEnumValues() {
        String json = new String(Topics.FAILURES.valueSerde().serialize("t", SampleEvents.requestFailed()),
                StandardCharsets.UTF_8)
                .replace("\"errorCode\":\"EXPIRED\"", "\"errorCode\":\"SOMETHING_NEW\",\"addedLater\":1");

        RequestFailed read = Topics.FAILURES.valueSerde().deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        assertThat(read.errorCode()).isEqualTo(FailureCode.UNKNOWN);
        assertThat(read.terminalStatus()).isEqualTo(RequestStatus.FAILED);
    }

    @Test
    void poisonBytesFailWithKafkasSerializationException() {
        assertThatThrownBy(() -> Topics.REQUESTS.valueSerde().deserialize("qa.requests.v1",
                "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void aRecordThatBreaksTheContractIsRejectedWhenRead() {
        byte[] missingQuestion = "{\"schemaVersion\":1,\"eventId\":\"e\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"requestId\":\"r\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Topics.REQUESTS.valueSerde().deserialize("qa.requests.v1", missingQuestion))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("QuestionAsked");
    }

    @Test
    void tombstonesReadAsNull() {
        assertThat(Topics.DOCUMENTS.valueSerde().deserialize("qa.documents.v1", null)).isNull();
    }

    @Test
    void terminalEventIdsAreStablePerRequest() {
        assertThat(EventIds.terminal("r-1")).isEqualTo(EventIds.terminal("r-1")).isNotEqualTo(EventIds.terminal("r-2"));
        assertThat(SampleEvents.requestFailed().eventId()).isEqualTo(EventIds.terminal("r-2"));
    }
}
