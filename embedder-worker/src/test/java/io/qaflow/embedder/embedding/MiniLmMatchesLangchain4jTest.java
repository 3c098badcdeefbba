package io.qaflow.embedder.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.qaflow.testkit.squad.Squad;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DJL pipeline reproduces langchain4j's own all-MiniLM-L6-v2 embeddings on SQuAD text.
 *
 * <p>langchain4j (1.8.0-beta15) keeps the 128-token truncation written in the bundled tokenizer.json, so for longer
 * texts it embeds only the first 126 word pieces. Our default window is BERT's full 512; configured with
 * langchain4j's window, the DJL pipeline matches it on paragraphs of any length.
 */
class MiniLmMatchesLangchain4jTest {
    private static final int LANGCHAIN4J_WINDOW = 128;
    private static final double SAME = 0.9999;

    private static MiniLmOnnxEmbeddingModel djl;
    private static MiniLmOnnxEmbeddingModel djlWithLangchain4jWindow;
    private static WordPieceTokenCounter tokens;
    private static AllMiniLmL6V2EmbeddingModel langchain4j;

    @BeforeAll
    static void load() {
        // DJL's engine must create the JVM's OrtEnvironment (with its thread settings) before langchain4j does
        djl = MiniLmOnnxEmbeddingModel.load(MiniLmOnnxEmbeddingModel.Settings.defaults());
        djlWithLangchain4jWindow = MiniLmOnnxEmbeddingModel.load(
                new MiniLmOnnxEmbeddingModel.Settings(32, LANGCHAIN4J_WINDOW, 0));
        tokens = WordPieceTokenCounter.load();
        langchain4j = new AllMiniLmL6V2EmbeddingModel();
    }

    @AfterAll
    static void close() {
        djl.close();
        djlWithLangchain4jWindow.close();
        tokens.close();
    }

    @Test
    void defaultPipelineEqualsLangchain4jOnSquadSentencesAndParagraphsWithinItsWindow() {
        List<String> paragraphs = paragraphs(LANGCHAIN4J_WINDOW - 2, 150);
        List<String> texts = new ArrayList<>(paragraphs);
        texts.addAll(sentences(150));
        assertThat(paragraphs).hasSizeGreaterThanOrEqualTo(50);
        assertThat(texts).hasSizeGreaterThanOrEqualTo(200);

        double min = minCosine(djl.embed(texts), reference(texts), texts);
        System.out.printf(Locale.ROOT, "minilm-equivalence default-window texts=%d (paragraphs=%d) min-cosine=%.6f%n",
                texts.size(), paragraphs.size(), min);
    }

    @Test
    void withLangchain4jsWindowItEqualsLangchain4jOnParagraphsOfAnyLength() {
        List<String> texts = new ArrayList<>(paragraphs(510, 120));
        texts.addAll(sentences(80));
        assertThat(texts.stream().filter(t -> tokens.count(t) > LANGCHAIN4J_WINDOW)).hasSizeGreaterThan(20);

        double min = minCosine(djlWithLangchain4jWindow.embed(texts), reference(texts), texts);
        System.out.printf(Locale.ROOT, "minilm-equivalence 128-token-window texts=%d min-cosine=%.6f%n",
                texts.size(), min);
    }

    @Test
    void beyondLangchain4jsWindowTheDefaultPipelineSeesTheWholeParagraph() {
        String longParagraph = paragraphs(510, 227).stream().filter(t -> tokens.count(t) > 250).findFirst()
                .orElseThrow();
        float[] ours = djl.embed(List.of(longParagraph))[0];
        float[] theirs = reference(List.of(longParagraph))[0];
        assertThat(cosine(ours, theirs)).isLessThan(SAME);
    }

    @Test
    void vectorsAreUnitLengthAndIndependentOfTheirBatch() {
        List<String> texts = List.of("Who won Super Bowl 50?", "The Denver Broncos defeated the Carolina Panthers "
                + "24-10 to earn their third Super Bowl title.", "short");
        float[][] together = djl.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = djl.embed(List.of(texts.get(i)))[0];
            assertThat(cosine(together[i], alone)).isGreaterThan(0.99999);
            assertThat(Math.sqrt(cosineDot(together[i], together[i]))).isCloseTo(1.0, within(1e-4));
        }
        assertThat(djl.embed(List.of())).isEmpty();
        assertThat(djl.dimensions()).isEqualTo(384);
        assertThat(djl.modelId()).isEqualTo("all-minilm-l6-v2");
    }

    private static double minCosine(float[][] ours, float[][] theirs, List<String> texts) {
        double min = 1;
        for (int i = 0; i < texts.size(); i++) {
            assertThat(ours[i]).hasSize(384);
            double cosine = cosine(ours[i], theirs[i]);
            assertThat(cosine).as("cosine for text %d: %s", i, texts.get(i)).isGreaterThanOrEqualTo(SAME);
            min = Math.min(min, cosine);
        }
        return min;
    }

    private static float[][] reference(List<String> texts) {
        return langchain4j.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream()
                .map(Embedding::vector).toArray(float[][]::new);
    }

    private static List<String> paragraphs(int maxTokens, int limit) {
        return Squad.all().paragraphs().stream().map(Squad.Paragraph::text)
                .filter(t -> tokens.count(t) <= maxTokens).limit(limit).toList();
    }

    /** Every third sentence of the SQuAD paragraphs, so they come from many articles. */
    private static List<String> sentences(int limit) {
        List<String> all = new ArrayList<>();
        for (Squad.Paragraph p : Squad.all().paragraphs()) {
            BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
            it.setText(p.text());
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String sentence = p.text().substring(start, end).strip();
                if (sentence.length() > 20) {
                    all.add(sentence);
                }
            }
        }
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < all.size() && picked.size() < limit; i += 3) {
            picked.add(all.get(i));
        }
        return picked;
    }

    static double cosine(float[] a, float[] b) {
        return cosineDot(a, b) / Math.sqrt(cosineDot(a, a) * cosineDot(b, b));
    }

    private static double cosineDot(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
