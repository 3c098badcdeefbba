package io.qaflow.embedder.questions;

import io.qaflow.embedder.EmbedderMetrics;
import io.qaflow.kafka.RecordObservations;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.kafka.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Handles one poll of {@code qa.requests.v1}. Poison records (unreadable, or without a value) are dead-lettered.
 * The questions' RETRIEVING progress (and the expired ones' failures) is published and acknowledged before
 * embedding starts, so the gateway sees RETRIEVING before any later stage; then the contexts, the answers served
 * from the semantic cache and the retrieval failures are published. Unacknowledged sends are resent on their own
 * (acknowledged ones never are); a question whose outputs stay unacknowledged is dead-lettered with a terminal
 * RequestFailed. Only when even that fails does
 * the listener throw, naming the first record not handled, so the error handler commits the ones before it and
 * retries from there; the container commits the batch only after every output was acknowledged.
 */
public final class QuestionListener implements BatchMessageListener<String, QuestionAsked> {
    private static final LogAccessor LOG = new LogAccessor(QuestionListener.class);

    private final QuestionBatchProcessor processor;
    private final OutputSender sender;
    private final QuestionRecoverer recoverer;
    private final EmbedderMetrics metrics;
    private final RecordObservations observations;
    private final String groupId;

    public QuestionListener(QuestionBatchProcessor processor, OutputSender sender, QuestionRecoverer recoverer,
                            EmbedderMetrics metrics, RecordObservations observations, String groupId) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.recoverer = Objects.requireNonNull(recoverer, "recoverer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.observations = Objects.requireNonNull(observations, "observations");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
    }

    @Override
    public void onMessage(List<ConsumerRecord<String, QuestionAsked>> records) {
        try (QuestionTraces traces = QuestionTraces.start(records, observations, groupId, groupId)) {
            onMessage(records, traces);
        }
    }

    private void onMessage(List<ConsumerRecord<String, QuestionAsked>> records, QuestionTraces traces) {
        boolean[] handled = new boolean[records.size()];
        List<QuestionAsked> questions = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, QuestionAsked> record = records.get(i);
            if (record.value() != null) {
                questions.add(record.value());
            } else {
                handled[i] = deadLetterPoison(record);
            }
        }

        QuestionBatchProcessor.Admission admission = processor.admit(questions);
        List<Output<?>> first = new ArrayList<>();
        admission.progress().forEach(p -> first.add(new Output<>(Topics.PROGRESS, p.requestId(), p)));
        admission.expired().forEach(f -> first.add(new Output<>(Topics.FAILURES, f.requestId(), f)));
        Set<String> unacknowledged = new HashSet<>(sender.publish(first, traces));
        countFailures(admission.expired(), unacknowledged);

        List<QuestionAsked> live = admission.live().stream()
                .filter(q -> !unacknowledged.contains(q.requestId())).toList();
        RetrievalOutcome outcome = processor.retrieve(live, traces);
        List<Output<?>> second = new ArrayList<>();
        for (ContextRetrieved context : outcome.contexts()) {
            second.add(new Output<>(Topics.CONTEXTS, context.requestId(), context));
        }
        outcome.answers().forEach(a -> second.add(new Output<>(Topics.ANSWERS, a.requestId(), a)));
        outcome.failures().forEach(f -> second.add(new Output<>(Topics.FAILURES, f.requestId(), f)));
        Set<String> unacknowledgedNow = sender.publish(second, traces);
        unacknowledged.addAll(unacknowledgedNow);
        outcome.contexts().stream().filter(c -> !unacknowledgedNow.contains(c.requestId()))
                .forEach(c -> metrics.question(c.semanticCandidate() == null ? "retrieved" : "semantic_verify"));
        outcome.answers().stream().filter(a -> !unacknowledgedNow.contains(a.requestId()))
                .forEach(a -> metrics.question("semantic_hit"));
        countFailures(outcome.failures(), unacknowledgedNow);

        for (int i = 0; i < records.size(); i++) {
            QuestionAsked question = records.get(i).value();
            if (question != null) {
                handled[i] = !unacknowledged.contains(question.requestId()) || giveUp(records.get(i));
            }
        }
        for (int i = 0; i < handled.length; i++) {
            if (!handled[i]) {
                throw new BatchListenerFailedException("request record could not be handled nor dead-lettered", i);
            }
        }
    }

    private void countFailures(List<RequestFailed> failures, Set<String> unacknowledged) {
        failures.stream().filter(f -> !unacknowledged.contains(f.requestId()))
                .forEach(f -> metrics.question(f.errorCode().name().toLowerCase(Locale.ROOT)));
    }

    private boolean deadLetterPoison(ConsumerRecord<String, QuestionAsked> record) {
        DeserializationException cause = SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
        Exception reason = cause != null ? cause
                : new IllegalArgumentException("a question record needs a value (tombstones are not questions)");
        metrics.error("embedding", "POISON_RECORD");
        LOG.warn(() -> "request record " + describe(record) + " sent to " + Topics.REQUESTS.deadLetterName() + ": "
                + reason.getMessage());
        return recover(record, reason);
    }

    private boolean giveUp(ConsumerRecord<String, QuestionAsked> record) {
        LOG.warn(() -> "outputs of request " + record.value().requestId() + " (" + describe(record)
                + ") were not acknowledged; dead-lettering it with a terminal failure");
        return recover(record, new KafkaException("the outputs of this question were not acknowledged by the broker"));
    }

    private boolean recover(ConsumerRecord<String, QuestionAsked> record, Exception reason) {
        try {
            recoverer.accept(record, reason);
            return true;
        } catch (RuntimeException e) {
            LOG.error(e, () -> "request record " + describe(record) + " could not be dead-lettered");
            return false;
        }
    }

    private static String describe(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
