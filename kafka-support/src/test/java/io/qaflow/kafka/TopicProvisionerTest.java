package io.qaflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.qaflow.model.kafka.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {
    @Test
    void declaresEveryTopicAndItsDeadLetterTopic() {
        var topics = TopicProvisioner.singleBroker(3).newTopics();
        assertThat(topics).hasSize(Topics.ALL.size() * 2 + 1);
        assertThat(topics).extracting(NewTopic::name).contains("qa.requests.v1", "qa.requests.v1.dlt",
                Topics.INTERNAL_DEAD_LETTERS);
        assertThat(topics).allMatch(t -> t.numPartitions() == 3 && t.replicationFactor() == 1);
        assertThat(topics).filteredOn(t -> t.name().equals("qa.documents.v1.dlt")).singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "delete"));
    }

    @Test
    void aReplicatedClusterGetsItsReplicationAndMinInsyncReplicasOnEveryTopic() {
        var topics = TopicProvisioner.replicated(6, (short) 3, 2).newTopics();
        assertThat(topics).allSatisfy(t -> {
            assertThat(t.replicationFactor()).isEqualTo((short) 3);
            assertThat(t.configs()).containsEntry("min.insync.replicas", "2");
        });
        assertThat(topics).filteredOn(t -> t.name().equals("qa.documents.v1")).singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "compact"));
    }

    @Test
    void moreInsyncReplicasThanReplicasIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> TopicProvisioner.replicated(3, (short) 2, 3));
    }
}
