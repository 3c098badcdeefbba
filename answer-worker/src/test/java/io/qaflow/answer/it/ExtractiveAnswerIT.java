package io.qaflow.answer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.SourceChunk;
import io.qaflow.testkit.squad.Squad;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With no LLM endpoint configured the extractive answerer answers, not degraded and free. */
class ExtractiveAnswerIT {
    private static AnswerWorkerStack stack;

    @BeforeAll
    static void start() {
        stack = AnswerWorkerStack.start("qaflow.answer.llm.base-url=");
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Test
    void answersTheSuperBowlQuestionFromTheRetrievedParagraphs() {
        // the paragraphs all-MiniLM-L6-v2 ranks top 5 for the question, in its order
        Map<String, Squad.Paragraph> paragraphs = Squad.superBowl50().paragraphs().stream()
                .collect(Collectors.toMap(Squad.Paragraph::documentId, Function.identity()));
        List<SourceChunk> chunks = List.of("p0", "p1", "p53", "p16", "p22").stream()
                .map(p -> paragraphs.get("Super_Bowl_50-" + p))
                .map(p -> new SourceChunk(p.documentId(), p.documentId() + "#0", p.title(), 0.6, p.text()))
                .toList();
        String id = UUID.randomUUID().toString();

        stack.publisher.publish(ContextPublisher.context(id, "Which NFL team represented the AFC at Super Bowl 50?",
                chunks, Instant.now().plusSeconds(30)));
        AnswerCompleted answer = await().atMost(Duration.ofSeconds(30)).until(() -> stack.outputs.answer(id),
                a -> a != null);

        assertThat(answer.answer()).contains("Denver Broncos");
        assertThat(answer.model()).isEqualTo("extractive");
        assertThat(answer.degraded()).isFalse();
        assertThat(answer.costUsd()).isZero();
        assertThat(answer.usage().estimated()).isTrue();
        assertThat(answer.sources()).isEqualTo(chunks);
        assertThat(stack.fake.stats().received()).isZero();
    }
}
