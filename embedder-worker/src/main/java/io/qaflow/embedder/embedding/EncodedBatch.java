package io.qaflow.embedder.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import java.util.List;

/** Token ids of a batch, right-padded with zeros to its longest sequence. */
record EncodedBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds, int tokens) {

    static EncodedBatch of(List<Encoding> encodings) {
        int tokens = encodings.stream().mapToInt(e -> e.getIds().length).max().orElse(0);
        int size = encodings.size();
        long[][] ids = new long[size][tokens];
        long[][] mask = new long[size][tokens];
        long[][] types = new long[size][tokens];
        for (int i = 0; i < size; i++) {
            Encoding e = encodings.get(i);
            int length = e.getIds().length;
            System.arraycopy(e.getIds(), 0, ids[i], 0, length);
            System.arraycopy(e.getAttentionMask(), 0, mask[i], 0, length);
            System.arraycopy(e.getTypeIds(), 0, types[i], 0, length);
        }
        return new EncodedBatch(ids, mask, types, tokens);
    }

    int size() {
        return inputIds.length;
    }
}
