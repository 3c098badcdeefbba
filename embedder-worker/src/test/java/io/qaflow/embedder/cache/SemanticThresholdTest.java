package io.qaflow.embedder.cache;

import io.qaflow.testkit.squad.Paraphrases;
import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.embedder.embedding.MiniLmOnnxEmbeddingModel;
import io.qaflow.redis.CacheProperties;
import io.qaflow.testkit.squad.Squad;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * The default threshold on SQuAD with the bundled model: paraphrases hit, different questions almost never do. Prints
 * the figures at several thresholds ({@link SemanticThresholdReport} prints them for more questions).
 */
class SemanticThresholdTest {
    /** The default of {@code qaflow.cache.semantic.threshold}, bound as Spring Boot binds it. */
    private static final double DEFAULT_THRESHOLD = Binder.get(new StandardEnvironment())
            .bindOrCreate("qaflow.cache", CacheProperties.class).semantic().threshold();

    private static MiniLmOnnxEmbeddingModel model;
    private static Paraphrases paraphrases;
    private static SemanticThresholds.Report report;

    @BeforeAll
    static void measure() {
        model = MiniLmOnnxEmbeddingModel.load(new MiniLmOnnxEmbeddingModel.Settings(32, 512, 0));
        paraphrases = Paraphrases.load();
        report = SemanticThresholds.measure(model, paraphrases, 800);
        System.out.print(report.table());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void theParaphrasedQuestionsAreSquadQuestionsVerbatim() {
        Set<String> squad = Squad.all().questions().stream().map(q -> q.id() + "\t" + q.question().strip())
                .collect(Collectors.toSet());
        assertThat(paraphrases.pairs()).hasSizeGreaterThanOrEqualTo(30)
                .allSatisfy(p -> assertThat(squad).contains(p.squadId() + "\t" + p.original()));
        assertThat(paraphrases.pairs()).allSatisfy(p -> assertThat(p.paraphrase()).isNotEqualTo(p.original()));
    }

    @Test
    void paraphrasesHitAtTheDefaultThresholdAndDifferentQuestionsAlmostNever() {
        assertThat(report.questions()).isEqualTo(800);
        assertThat(report.unrelatedPairs()).isEqualTo(800L * 799 / 2);
        assertThat(DEFAULT_THRESHOLD).isEqualTo(0.95);
        assertThat(report.paraphraseShareAtOrAbove(DEFAULT_THRESHOLD)).as("paraphrase pairs hitting at 0.95")
                .isGreaterThan(0);
        assertThat(report.unrelatedShareAtOrAbove(DEFAULT_THRESHOLD)).as("different questions at or above 0.95")
                .isLessThan(0.01);
        // a lower threshold catches more paraphrases, and more different questions with them
        assertThat(report.paraphraseShareAtOrAbove(0.85)).isGreaterThan(report.paraphraseShareAtOrAbove(0.95));
        assertThat(report.unrelatedShareAtOrAbove(0.85)).isGreaterThan(report.unrelatedShareAtOrAbove(0.95));
    }
}
