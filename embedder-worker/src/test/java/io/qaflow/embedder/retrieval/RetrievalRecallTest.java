package io.qaflow.embedder.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.embedder.EmbedderProperties;
import io.qaflow.embedder.chunking.Chunker;
import io.qaflow.embedder.embedding.MiniLmOnnxEmbeddingModel;
import io.qaflow.embedder.embedding.WordPieceTokenCounter;
import io.qaflow.embedder.index.InMemoryVectorIndex;
import io.qaflow.embedder.index.ScoredChunk;
import io.qaflow.embedder.ingest.DocumentChange;
import io.qaflow.embedder.ingest.DocumentIndexer;
import io.qaflow.model.DocumentSubmitted;
import io.qaflow.testkit.squad.Squad;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

/**
 * Retrieval quality over SQuAD with the shipped settings (embedder.yml): all 227 paragraphs indexed through the
 * production chunker and indexer, every answerable question asked, the gold paragraph looked for among the sources.
 */
class RetrievalRecallTest {
    /** A whole-paragraph MiniLM index (langchain4j's 128-token window) reaches this on Super_Bowl_50. */
    private static final double BASELINE_SUPER_BOWL_RECALL_AT_5 = 0.865;

    private static MiniLmOnnxEmbeddingModel model;
    private static WordPieceTokenCounter tokens;
    private static EmbedderProperties settings;
    private static InMemoryVectorIndex vectors;
    private static Bm25Index lexical;
    private static List<Squad.Question> questions;
    private static float[][] questionVectors;

    private record Recall(double superBowl1, double superBowl5, double all1, double all5) {}

    @BeforeAll
    static void indexSquad() throws IOException {
        settings = shippedSettings();
        model = MiniLmOnnxEmbeddingModel.load(new MiniLmOnnxEmbeddingModel.Settings(settings.model().batchSize(),
                settings.model().maxTokens(), settings.model().intraOpThreads()));
        tokens = WordPieceTokenCounter.load();
        vectors = new InMemoryVectorIndex(model.dimensions());
        lexical = new Bm25Index();
        var chunker = new Chunker(tokens, new Chunker.Settings(settings.chunking().maxTokens(),
                settings.chunking().overlapTokens()));
        var indexer = new DocumentIndexer(chunker, model,
                new CorpusIndex(vectors, lexical, new DenseRetriever(vectors, 0), model.modelId()),
                settings.model().embedTitle());

        Squad squad = Squad.all();
        long start = System.nanoTime();
        var result = indexer.apply(squad.paragraphs().stream()
                .map(p -> new DocumentChange.Upsert(DocumentSubmitted.of(p.documentId(), p.title(), p.text(),
                        Map.of(), Instant.now())))
                .toList());
        long indexMs = (System.nanoTime() - start) / 1_000_000;
        questions = squad.answerableQuestions();
        start = System.nanoTime();
        questionVectors = model.embed(questions.stream().map(Squad.Question::question).toList());
        long questionMs = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "squad-index paragraphs=%d chunks=%d index-ms=%d questions=%d embed-ms=%d%n",
                result.upserted(), result.chunks(), indexMs, questions.size(), questionMs);
        assertThat(result.upserted()).isEqualTo(227);
        assertThat(result.failures()).isEmpty();
    }

    @AfterAll
    static void close() {
        model.close();
        tokens.close();
    }

    @Test
    void denseAndHybridRetrievalBeatTheWholeParagraphBaselineAndTheShippedModeIsTheBetterOne() {
        assertThat(questions).hasSize(1_515);
        assertThat(questions.stream().filter(RetrievalRecallTest::superBowl)).hasSize(810);
        EmbedderProperties.Retrieval r = settings.retrieval();
        Recall dense = measure(new DenseRetriever(vectors, r.maxChunksPerDocument()));
        Recall hybrid = measure(new HybridRetriever(vectors, lexical, new HybridRetriever.Settings(r.candidates(),
                r.rrfK(), r.lexicalWeight(), r.maxChunksPerDocument())));
        print("dense", dense);
        print("hybrid", hybrid);

        assertThat(dense.superBowl5()).isGreaterThanOrEqualTo(BASELINE_SUPER_BOWL_RECALL_AT_5);
        assertThat(hybrid.superBowl5()).isGreaterThanOrEqualTo(BASELINE_SUPER_BOWL_RECALL_AT_5);
        Recall shipped = r.mode() == RetrievalMode.HYBRID ? hybrid : dense;
        Recall other = r.mode() == RetrievalMode.HYBRID ? dense : hybrid;
        assertThat(shipped.all5()).as("the shipped retrieval mode %s must not lose on recall@5", r.mode())
                .isGreaterThanOrEqualTo(other.all5());
        assertThat(shipped.all1()).as("the shipped retrieval mode %s must not lose on recall@1", r.mode())
                .isGreaterThanOrEqualTo(other.all1());
    }

    private static Recall measure(Retriever retriever) {
        int sb = 0;
        int sb1 = 0;
        int sb5 = 0;
        int all1 = 0;
        int all5 = 0;
        for (int i = 0; i < questions.size(); i++) {
            Squad.Question q = questions.get(i);
            List<ScoredChunk> top = retriever.retrieve(q.question(), questionVectors[i], 5);
            assertThat(top).hasSize(5);
            boolean first = top.getFirst().documentId().equals(q.goldDocumentId());
            boolean any = top.stream().anyMatch(s -> s.documentId().equals(q.goldDocumentId()));
            all1 += first ? 1 : 0;
            all5 += any ? 1 : 0;
            if (superBowl(q)) {
                sb++;
                sb1 += first ? 1 : 0;
                sb5 += any ? 1 : 0;
            }
        }
        return new Recall((double) sb1 / sb, (double) sb5 / sb, (double) all1 / questions.size(),
                (double) all5 / questions.size());
    }

    private static boolean superBowl(Squad.Question q) {
        return q.goldDocumentId().startsWith("Super_Bowl_50-");
    }

    private static void print(String mode, Recall r) {
        System.out.printf(Locale.ROOT, "retrieval mode=%s recall@1 super_bowl_50=%.3f all=%.3f | "
                + "recall@5 super_bowl_50=%.3f all=%.3f%n", mode, r.superBowl1(), r.all1(), r.superBowl5(), r.all5());
    }

    private static EmbedderProperties shippedSettings() throws IOException {
        var sources = new YamlPropertySourceLoader().load("embedder", new ClassPathResource("embedder.yml"));
        return new Binder(ConfigurationPropertySources.from(sources))
                .bind("qaflow.embedder", EmbedderProperties.class).get();
    }
}
