package io.qaflow.model.kafka;

import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.ContextRetrieved;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.FeedbackGiven;
import io.qaflow.model.PromptVersion;
import io.qaflow.model.QuestionAsked;
import io.qaflow.model.RequestFailed;
import io.qaflow.model.RequestProgressed;
import io.qaflow.model.VariantStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/** The topic catalog. Immutable; the only place a topic name is written. */
public final class Topics {
    private Topics() {}

    private static final Map<String, String> EVENTS = Map.of(
            TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()));
    private static final Map<String, String> SHORT_LIVED = Map.of(
            TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()));
    private static final Map<String, String> COMPACTED = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, String.valueOf(Duration.ofMinutes(1).toMillis()));

    /**
     * Dead-letter topics keep every poison record for two weeks, also for compacted sources: records with one key
     * must not overwrite each other there.
     */
    public static final Map<String, String> DEAD_LETTERS = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(14).toMillis()));

    public static final Topic<String, QuestionAsked> REQUESTS =
            Topic.keyedByString("qa.requests.v1", "requestId", QuestionAsked.class, EVENTS);
    public static final Topic<String, ContextRetrieved> CONTEXTS =
            Topic.keyedByString("qa.contexts.v1", "requestId", ContextRetrieved.class, EVENTS);
    public static final Topic<String, AnswerCompleted> ANSWERS =
            Topic.keyedByString("qa.answers.v1", "requestId", AnswerCompleted.class, EVENTS);
    public static final Topic<String, RequestFailed> FAILURES =
            Topic.keyedByString("qa.failures.v1", "requestId", RequestFailed.class, EVENTS);
    public static final Topic<String, RequestProgressed> PROGRESS =
            Topic.keyedByString("qa.progress.v1", "requestId", RequestProgressed.class, SHORT_LIVED);
    public static final Topic<String, FeedbackGiven> FEEDBACK =
            Topic.keyedByString("qa.feedback.v1", "requestId", FeedbackGiven.class, EVENTS);
    public static final Topic<String, DocumentSubmitted> DOCUMENTS =
            Topic.keyedByString("qa.documents.v1", "documentId", DocumentSubmitted.class, COMPACTED);
    /** Prompt versions keyed {@code name@version}, and each name's default keyed {@code name} (see PromptVersion). */
    public static final Topic<String, PromptVersion> PROMPTS =
            Topic.keyedByString("qa.prompts.v1", "promptKey", PromptVersion.class, COMPACTED);
    /** Experiment definitions, keyed by experimentId; the latest record is the experiment's state. */
    public static final Topic<String, ExperimentState> EXPERIMENTS =
            Topic.keyedByString("qa.experiments.v1", "experimentId", ExperimentState.class, COMPACTED);
    /** Per experiment/variant statistics, keyed by {@link VariantStats#key()}. */
    public static final Topic<String, VariantStats> EXPERIMENT_STATS =
            Topic.keyedByString("qa.experiment-stats.v1", "statsKey", VariantStats.class, COMPACTED);
    /** Per experiment verdicts (each treatment against control, every metric), keyed by experimentId. */
    public static final Topic<String, ExperimentVerdict> EXPERIMENT_VERDICTS =
            Topic.keyedByString("qa.experiment-verdicts.v1", "experimentId", ExperimentVerdict.class, COMPACTED);

    /**
     * Where a Kafka Streams application parks a record of one of its internal topics (a repartition) that it cannot
     * read or process: such topics have no dead-letter topic of their own.
     */
    public static final String INTERNAL_DEAD_LETTERS = "qa.internal.dlt";

    public static final List<Topic<String, ?>> ALL =
            List.of(REQUESTS, CONTEXTS, ANSWERS, FAILURES, PROGRESS, FEEDBACK, DOCUMENTS, PROMPTS, EXPERIMENTS,
                    EXPERIMENT_STATS, EXPERIMENT_VERDICTS);
}
