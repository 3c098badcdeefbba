package io.qaflow.kafka;

import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every catalog topic and its dead-letter topic explicitly (brokers run with auto-create off), with the
 * replication factor and min.insync.replicas of the cluster. Idempotent: topics that exist are left as they are.
 */
public final class TopicProvisioner {
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

    private final int partitions;
    private final short replicationFactor;
    private final int minInsyncReplicas;

    private TopicProvisioner(int partitions, short replicationFactor, int minInsyncReplicas) {
        if (partitions < 1 || replicationFactor < 1 || minInsyncReplicas < 1) {
            throw new IllegalArgumentException("partitions, replication factor and min.insync.replicas must be >= 1");
        }
        if (minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("min.insync.replicas " + minInsyncReplicas
                    + " > replication factor " + replicationFactor);
        }
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.minInsyncReplicas = minInsyncReplicas;
    }

    /** For a single broker: replication factor 1. */
    public static TopicProvisioner singleBroker(int partitions) {
        return new TopicProvisioner(partitions, (short) 1, 1);
    }

    public static TopicProvisioner of(KafkaSupportProperties.Topics settings) {
        return new TopicProvisioner(settings.partitions(), settings.replicationFactor(), settings.minInsyncReplicas());
    }

    public static TopicProvisioner replicated(int partitions, short replicationFactor, int minInsyncReplicas) {
        return new TopicProvisioner(partitions, replicationFactor, minInsyncReplicas);
    }

    public List<NewTopic> newTopics() {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<String, ?> topic : Topics.ALL) {
            topics.add(new NewTopic(topic.name(), partitions, replicationFactor).configs(withIsr(topic.config())));
            topics.add(new NewTopic(topic.deadLetterName(), partitions, replicationFactor)
                    .configs(withIsr(Topics.DEAD_LETTERS)));
        }
        topics.add(new NewTopic(Topics.INTERNAL_DEAD_LETTERS, partitions, replicationFactor)
                .configs(withIsr(Topics.DEAD_LETTERS)));
        return topics;
    }

    private Map<String, String> withIsr(Map<String, String> config) {
        Map<String, String> all = new HashMap<>(config);
        all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsyncReplicas));
        return all;
    }

    public void provision(Admin admin) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = newTopics().stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            createAll(admin, missing);
            awaitVisible(admin, missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted listing topics", e);
        }
    }

    private static void createAll(Admin admin, List<NewTopic> missing) {
        admin.createTopics(missing).values().forEach((name, future) -> {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating " + name, e);
            }
        });
    }

    /**
     * CreateTopics completes when the controller has the topics, before every broker's metadata cache does; clients
     * that start right after provisioning would otherwise see "unknown topic" for a moment.
     */
    private static void awaitVisible(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + VISIBILITY_TIMEOUT.toNanos();
        while (!admin.listTopics().names().get().containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics created but not visible after " + VISIBILITY_TIMEOUT);
            }
            Thread.sleep(50);
        }
    }
}
