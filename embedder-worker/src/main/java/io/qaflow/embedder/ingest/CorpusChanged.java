package io.qaflow.embedder.ingest;

/** Published after a batch of corpus records changed the index (documents added, replaced or removed). */
public record CorpusChanged(String corpusVersion) {}
