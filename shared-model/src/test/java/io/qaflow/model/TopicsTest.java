package io.qaflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.kafka.Topics;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void catalogNamesAreUniqueVersionedAndOnlyStateTopicsAreCompacted() {
        assertThat(Topics.ALL).extracting(t -> t.name()).doesNotHaveDuplicates().allMatch(n -> n.matches("qa\\.[a-z-]+\\.v\\d+"));
        assertThat(Topics.ALL).filteredOn(t -> t.compacted()).containsExactly(Topics.DOCUMENTS, Topics.PROMPTS, Topics.EXPERIMENTS, Topics.EXPERIMENT_STATS,
                Topics.EXPERIMENT_VERDICTS);
    }
}
