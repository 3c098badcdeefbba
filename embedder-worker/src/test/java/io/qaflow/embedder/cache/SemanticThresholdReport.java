package io.qaflow.embedder.cache;

import io.qaflow.testkit.squad.Paraphrases;
import io.qaflow.embedder.embedding.MiniLmOnnxEmbeddingModel;

/**
 * Prints how the semantic-cache threshold separates SQuAD paraphrases from different questions with the bundled
 * model. Run from the repository root after {@code ./mvnw -B -q test-compile -pl embedder-worker}:
 * <pre>
 * java -cp "embedder-worker/target/test-classes:embedder-worker/target/classes:$(./mvnw -q -pl embedder-worker \
 *   dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
 *   io.qaflow.embedder.cache.SemanticThresholdReport [questions]
 * </pre>
 * {@code questions} (default 2000) distinct SQuAD questions are paired with each other.
 */
public final class SemanticThresholdReport {
    private SemanticThresholdReport() {}

    public static void main(String[] args) {
        int questions = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        try (var model = MiniLmOnnxEmbeddingModel.load(new MiniLmOnnxEmbeddingModel.Settings(32, 512, 0))) {
            long start = System.nanoTime();
            var report = SemanticThresholds.measure(model, Paraphrases.load(), questions);
            System.out.print(report.table());
            System.out.printf("(%.1f s)%n", (System.nanoTime() - start) / 1e9);
        }
    }
}
