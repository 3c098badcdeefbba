package io.qaflow.embedder.ingest;

import io.qaflow.model.DocumentSubmitted;
import java.util.Objects;

/** One record of the corpus topic: a document to (re)index, or a tombstone. */
public sealed interface DocumentChange {
    String documentId();

    record Upsert(DocumentSubmitted document) implements DocumentChange {
        public Upsert {
            Objects.requireNonNull(document, "document");
        }

        @Override
        public String documentId() {
            return document.documentId();
        }
    }

    record Delete(String documentId) implements DocumentChange {
        public Delete {
            Objects.requireNonNull(documentId, "documentId");
        }
    }
}
