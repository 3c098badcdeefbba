package io.qaflow.embedder.embedding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Sequence-length bucketing: the texts of one call, sorted by token length and cut into batches of at most
 * {@code batchSize}, so every batch is padded only to its own longest sequence and short questions never pay for a
 * long one's padding. Returns the texts' indices per batch; ties keep the callers' order.
 */
final class LengthBuckets {
    private LengthBuckets() {}

    static List<int[]> of(int[] tokenLengths, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1");
        }
        int[] byLength = IntStream.range(0, tokenLengths.length).boxed()
                .sorted(Comparator.comparingInt(i -> tokenLengths[i]))
                .mapToInt(Integer::intValue).toArray();
        List<int[]> batches = new ArrayList<>((byLength.length + batchSize - 1) / batchSize);
        for (int start = 0; start < byLength.length; start += batchSize) {
            batches.add(Arrays.copyOfRange(byLength, start, Math.min(start + batchSize, byLength.length)));
        }
        return batches;
    }

    /** Tokens the model processes for these batches, padding included. */
    static long paddedTokens(int[] tokenLengths, List<int[]> batches) {
        long total = 0;
        for (int[] batch : batches) {
            int longest = 0;
            for (int i : batch) {
                longest = Math.max(longest, tokenLengths[i]);
            }
            total += (long) longest * batch.length;
        }
        return total;
    }
}
