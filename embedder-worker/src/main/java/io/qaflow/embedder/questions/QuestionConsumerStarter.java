package io.qaflow.embedder.questions;

import io.qaflow.embedder.ingest.CorpusCaughtUp;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.listener.MessageListenerContainer;

/** Starts consuming questions once the index holds the corpus, so no question is answered from a partial index. */
public final class QuestionConsumerStarter {
    private static final Logger log = LoggerFactory.getLogger(QuestionConsumerStarter.class);
    private final MessageListenerContainer container;

    public QuestionConsumerStarter(MessageListenerContainer container) {
        this.container = Objects.requireNonNull(container, "container");
    }

    @EventListener
    public void onCaughtUp(CorpusCaughtUp event) {
        log.info("index ready ({} documents, {} chunks); consuming questions", event.documents(), event.chunks());
        container.start();
    }
}
