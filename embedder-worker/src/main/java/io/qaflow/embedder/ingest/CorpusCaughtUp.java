package io.qaflow.embedder.ingest;

/** Published once, when the index holds the whole corpus as it was when this instance started. */
public record CorpusCaughtUp(int documents, int chunks, String corpusVersion, long elapsedMs) {}
