package io.qaflow.embedder.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.embedder.embedding.WordPieceTokenCounter;
import io.qaflow.testkit.squad.Squad;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private static WordPieceTokenCounter tokens;
    private static Chunker chunker;

    @BeforeAll
    static void load() {
        tokens = WordPieceTokenCounter.load();
        chunker = new Chunker(tokens, new Chunker.Settings(256, 50));
    }

    @AfterAll
    static void close() {
        tokens.close();
    }

    @Test
    void squadParagraphsWithinTheBudgetStayOneChunkEach() {
        List<Squad.Paragraph> shortOnes = Squad.all().paragraphs().stream()
                .filter(p -> tokens.count(p.text()) <= 256).toList();
        assertThat(shortOnes).hasSizeGreaterThan(200);
        for (Squad.Paragraph p : shortOnes) {
            List<Chunk> chunks = chunker.chunk(p.documentId(), p.title(), p.text());
            assertThat(chunks).singleElement().satisfies(c -> {
                assertThat(c.text()).isEqualTo(p.text().strip());
                assertThat(c.chunkId()).isEqualTo(p.documentId() + "#0");
                assertThat(c.title()).isEqualTo(p.title());
            });
        }
    }

    @Test
    void aLongParagraphBecomesOverlappingSentenceWindowsWithinTheBudget() {
        Squad.Paragraph longest = Squad.all().paragraphs().stream()
                .max((a, b) -> Integer.compare(tokens.count(a.text()), tokens.count(b.text()))).orElseThrow();
        assertThat(tokens.count(longest.text())).isGreaterThan(256);

        List<Chunk> chunks = chunker.chunk(longest.documentId(), longest.title(), longest.text());

        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).extracting(Chunk::chunkId).containsExactlyElementsOf(IntStream.range(0, chunks.size())
                .mapToObj(i -> longest.documentId() + "#" + i).toList());
        assertThat(chunks).allSatisfy(c -> assertThat(tokens.count(c.text())).isLessThanOrEqualTo(256));
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1).text();
            String firstSentenceOfNext = chunks.get(i).text().split("(?<=[.!?])\\s+")[0];
            assertThat(previous).as("window %d starts with a sentence that closes window %d", i, i - 1)
                    .contains(firstSentenceOfNext);
        }
        String covered = chunks.stream().map(Chunk::text).collect(Collectors.joining(" "));
        for (String word : longest.text().split("\\s+")) {
            assertThat(covered).contains(word);
        }
    }

    @Test
    void shortParagraphsShareAChunkAndLongOnesStartTheirOwn() {
        String a = "The first paragraph is short.";
        String b = "So is the second one.";
        String longParagraph = IntStream.range(0, 80).mapToObj(i -> "Sentence number " + i + " talks about Kafka.")
                .collect(Collectors.joining(" "));
        List<Chunk> chunks = chunker.chunk("doc", "T", a + "\n\n" + b + "\n\n" + longParagraph + "\n \n" + a);

        assertThat(chunks.getFirst().text()).isEqualTo(a + "\n\n" + b);
        assertThat(chunks.getLast().text()).isEqualTo(a);
        assertThat(chunks.subList(1, chunks.size() - 1)).hasSizeGreaterThan(1)
                .allSatisfy(c -> assertThat(c.text()).startsWith("Sentence number"));
    }

    @Test
    void aSentenceOverTheBudgetIsCutBetweenWords() {
        Chunker small = new Chunker(tokens, new Chunker.Settings(20, 4));
        String runOn = IntStream.range(0, 60).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
        List<Chunk> chunks = small.chunk("doc", "", runOn);
        assertThat(chunks).hasSizeGreaterThan(3)
                .allSatisfy(c -> assertThat(tokens.count(c.text())).isLessThanOrEqualTo(20));
    }
}
