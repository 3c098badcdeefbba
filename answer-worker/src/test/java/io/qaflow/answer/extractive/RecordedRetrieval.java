package io.qaflow.answer.extractive;

import io.qaflow.model.SourceChunk;
import io.qaflow.testkit.squad.Squad;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The top-5 retrieved for each answerable Super_Bowl_50 question, precomputed into test resources so the answerer
 * can be measured on realistic retrieval without an embedding model (see resources/squad/README.md). Derived from
 * SQuAD v1.1 (CC BY-SA 4.0).
 */
final class RecordedRetrieval {
    /** all-MiniLM-L6-v2 cosine over whole paragraphs (langchain4j's model); recall@5 0.869. */
    static final String MINILM = "squad/super-bowl-50-minilm-top5.tsv";
    /** The embedder's shipped hybrid retrieval (BM25 + MiniLM, RRF) over all 227 SQuAD paragraphs; recall@5 0.959. */
    static final String HYBRID = "squad/super-bowl-50-hybrid-top5.tsv";

    private final Map<String, List<SourceChunk>> byQuestionId = new HashMap<>();

    RecordedRetrieval(String resource) {
        Map<String, Squad.Paragraph> paragraphs = Squad.all().paragraphs().stream()
                .collect(Collectors.toMap(Squad.Paragraph::documentId, Function.identity()));
        for (String line : read(resource).lines().toList()) {
            String[] columns = line.split("\t");
            List<SourceChunk> chunks = new ArrayList<>();
            for (String hit : columns[1].split(",")) {
                String[] idAndScore = hit.split(":");
                chunks.add(chunk(paragraphs.get(idAndScore[0]), Double.parseDouble(idAndScore[1])));
            }
            byQuestionId.put(columns[0], List.copyOf(chunks));
        }
    }

    List<SourceChunk> topK(Squad.Question question) {
        List<SourceChunk> chunks = byQuestionId.get(question.id());
        if (chunks == null) {
            throw new IllegalArgumentException("no retrieval recorded for question " + question.id());
        }
        return chunks;
    }

    /** A whole paragraph as one retrieved chunk. */
    static SourceChunk chunk(Squad.Paragraph p, double score) {
        return new SourceChunk(p.documentId(), p.documentId() + "#0", p.title(), score, p.text());
    }

    private static String read(String resource) {
        try (InputStream in = RecordedRetrieval.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
