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
 * The top-5 Super_Bowl_50 paragraphs all-MiniLM-L6-v2 retrieves for each answerable question (cosine over whole
 * paragraphs; recall@5 of the gold paragraph 0.869), precomputed into a test resource so the answerer can be
 * measured on realistic retrieval without an embedding model. Derived from SQuAD v1.1 (CC BY-SA 4.0).
 */
final class MiniLmRetrieval {
    static final String RESOURCE = "squad/super-bowl-50-minilm-top5.tsv";

    private final Map<String, List<SourceChunk>> byQuestionId = new HashMap<>();

    MiniLmRetrieval(Squad squad) {
        Map<String, Squad.Paragraph> paragraphs = squad.paragraphs().stream()
                .collect(Collectors.toMap(Squad.Paragraph::documentId, Function.identity()));
        for (String line : read().lines().toList()) {
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

    private static String read() {
        try (InputStream in = MiniLmRetrieval.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
