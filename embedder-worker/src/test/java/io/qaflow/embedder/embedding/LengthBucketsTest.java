package io.qaflow.embedder.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

    @Test
    void everyTextOnceInBatchesOfSimilarLengthSoPaddingIsOnlyToEachBatchsLongest() {
        Random random = new Random(7);
        int[] lengths = IntStream.range(0, 1000).map(i -> 5 + random.nextInt(i % 10 == 0 ? 250 : 30)).toArray();

        List<int[]> batches = LengthBuckets.of(lengths, 32);

        assertThat(batches).hasSize(32).allSatisfy(b -> assertThat(b.length).isBetween(1, 32));
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).containsExactly(IntStream.range(0, 1000).toArray());
        for (int i = 1; i < batches.size(); i++) {
            int previousLongest = Arrays.stream(batches.get(i - 1)).map(t -> lengths[t]).max().orElseThrow();
            int shortest = Arrays.stream(batches.get(i)).map(t -> lengths[t]).min().orElseThrow();
            assertThat(shortest).isGreaterThanOrEqualTo(previousLongest);
        }
        List<int[]> inArrivalOrder = IntStream.range(0, 32)
                .mapToObj(b -> IntStream.range(b * 32, Math.min(1000, b * 32 + 32)).toArray()).toList();
        long bucketed = LengthBuckets.paddedTokens(lengths, batches);
        long unsorted = LengthBuckets.paddedTokens(lengths, inArrivalOrder);
        assertThat(bucketed).isLessThan(unsorted / 2);
        assertThat(bucketed).isGreaterThanOrEqualTo(Arrays.stream(lengths).sum());
    }

    @Test
    void equalLengthsKeepTheCallersOrderAndBadSizesAreRefused() {
        assertThat(LengthBuckets.of(new int[] {4, 4, 2, 4}, 2)).containsExactly(new int[] {2, 0}, new int[] {1, 3});
        assertThat(LengthBuckets.of(new int[0], 8)).isEmpty();
        assertThatThrownBy(() -> LengthBuckets.of(new int[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
