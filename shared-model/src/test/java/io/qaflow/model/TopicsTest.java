package io.qaflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.model.kafka.TopicProvisioner;
import io.qaflow.model.kafka.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void catalogNamesAreUniqueVersionedAndOnlyStateTopicsAreCompacted() {
        assertThat(Topics.ALL).extracting(t -> t.name()).doesNotHaveDuplicates().allMatch(n -> n.matches("qa\\.[a-z-]+\\.v\\d+"));
        assertThat(Topics.ALL).filteredOn(t -> t.compacted()).containsExactly(Topics.DOCUMENTS, Topics.PROMPTS, Topics.EXPERIMENTS, Topics.EXPERIMENT_STATS,
                Topics.EXPERIMENT_VERDICTS);
    }

    @Test
    void provisionerDeclaresEveryTopicAndItsDeadLetterTopic() {
        var topics = new TopicProvisioner(3, (short) 1).newTopics();
        assertThat(topics).hasSize(Topics.ALL.size() * 2);
        assertThat(topics).extracting(NewTopic::name).contains("qa.requests.v1", "qa.requests.v1.dlt");
        assertThat(topics).allMatch(t -> t.numPartitions() == 3);
        assertThat(topics).filteredOn(t -> t.name().equals("qa.documents.v1.dlt")).singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "delete"));
    }
}
