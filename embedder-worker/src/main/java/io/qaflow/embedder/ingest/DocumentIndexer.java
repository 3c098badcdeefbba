package io.qaflow.embedder.ingest;

import io.qaflow.embedder.chunking.Chunk;
import io.qaflow.embedder.chunking.Chunker;
import io.qaflow.embedder.embedding.EmbeddingModel;
import io.qaflow.embedder.index.EmbeddedChunk;
import io.qaflow.embedder.retrieval.CorpusIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a batch of corpus changes: chunks every new document, embeds all chunks of the batch in one model call,
 * then writes both indexes together through {@link CorpusIndex}. Within a batch the last change per document wins. When the batch's
 * embedding fails, each document is retried alone so one bad document cannot block the others; the ones that still
 * fail are returned.
 */
public final class DocumentIndexer {

    public record Failure(DocumentChange.Upsert change, Exception error) {}

    public record Result(int upserted, int deleted, int chunks, List<Failure> failures) {
        public Result {
            failures = List.copyOf(failures);
        }
    }

    private final Chunker chunker;
    private final EmbeddingModel model;
    private final CorpusIndex corpus;
    private final boolean embedTitle;

    public DocumentIndexer(Chunker chunker, EmbeddingModel model, CorpusIndex corpus, boolean embedTitle) {
        this.chunker = Objects.requireNonNull(chunker, "chunker");
        this.model = Objects.requireNonNull(model, "model");
        this.corpus = Objects.requireNonNull(corpus, "corpus");
        this.embedTitle = embedTitle;
    }

    public Result apply(List<? extends DocumentChange> changes) {
        Map<String, DocumentChange> latest = new LinkedHashMap<>();
        for (DocumentChange change : changes) {
            latest.remove(change.documentId());
            latest.put(change.documentId(), change);
        }
        List<DocumentChange.Upsert> upserts = new ArrayList<>();
        int deleted = 0;
        for (DocumentChange change : latest.values()) {
            switch (change) {
                case DocumentChange.Delete delete -> {
                    corpus.delete(delete.documentId());
                    deleted++;
                }
                case DocumentChange.Upsert upsert -> upserts.add(upsert);
            }
        }
        List<Failure> failures = new ArrayList<>();
        int chunks = 0;
        try {
            chunks += index(upserts);
        } catch (RuntimeException batchFailure) {
            for (DocumentChange.Upsert upsert : upserts) {
                try {
                    chunks += index(List.of(upsert));
                } catch (RuntimeException e) {
                    failures.add(new Failure(upsert, e));
                }
            }
        }
        return new Result(upserts.size() - failures.size(), deleted, chunks, failures);
    }

    private int index(List<DocumentChange.Upsert> upserts) {
        List<List<Chunk>> chunked = new ArrayList<>(upserts.size());
        List<String> texts = new ArrayList<>();
        for (DocumentChange.Upsert upsert : upserts) {
            var doc = upsert.document();
            List<Chunk> chunks = chunker.chunk(doc.documentId(), doc.title(), doc.text());
            chunked.add(chunks);
            chunks.forEach(c -> texts.add(embeddingInput(c)));
        }
        float[][] vectorsOut = model.embed(texts);
        int next = 0;
        for (int i = 0; i < upserts.size(); i++) {
            var doc = upserts.get(i).document();
            List<EmbeddedChunk> embedded = new ArrayList<>();
            for (Chunk chunk : chunked.get(i)) {
                embedded.add(new EmbeddedChunk(chunk, vectorsOut[next++]));
            }
            corpus.upsert(doc.documentId(), doc.eventId(), embedded);
        }
        return texts.size();
    }

    private String embeddingInput(Chunk chunk) {
        return embedTitle && !chunk.title().isBlank() ? chunk.title() + "\n" + chunk.text() : chunk.text();
    }
}
