package io.qaflow.gateway.kafka;

import io.qaflow.gateway.cache.ObservedAnswers;
import io.qaflow.gateway.requests.RequestTracker;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.MessageListener;

/**
 * Applies answers, failures and progress from the result topics to the requests this instance tracks. Events for
 * requests it does not know (accepted by another instance) change nothing.
 */
public final class ResultsListener implements MessageListener<String, Object> {
    /** The topics the gateway follows. */
    public static final List<Topic<String, ?>> TOPICS = List.of(Topics.ANSWERS, Topics.FAILURES, Topics.PROGRESS);
    private static final Logger log = LoggerFactory.getLogger(ResultsListener.class);

    private final RequestTracker tracker;
    private final ObservedAnswers observedAnswers;

    public ResultsListener(RequestTracker tracker, ObservedAnswers observedAnswers) {
        this.tracker = tracker;
        this.observedAnswers = observedAnswers;
    }

    @Override
    public void onMessage(ConsumerRecord<String, Object> record) {
        switch (record.value()) {
            case AnswerCompleted answer -> {
                observedAnswers.observed(answer);
                tracker.onAnswer(answer).block();
            }
            case RequestFailed failure -> tracker.onFailure(failure).block();
            case RequestProgressed progress -> tracker.onProgress(progress).block();
            case null -> log.debug("skipped a tombstone on {}", record.topic());
            default -> log.warn("skipped an unexpected {} on {}", record.value().getClass().getName(),
                    record.topic());
        }
    }
}
