package io.qaflow.model.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every catalog topic and its dead-letter topic explicitly (brokers run with auto-create off). Idempotent:
 * topics that exist are left as they are.
 */
public final class TopicProvisioner {
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

    private final int partitions;
    private final short replicationFactor;

    public TopicProvisioner(int partitions, short replicationFactor) {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replicationFactor must be >= 1");
        }
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    public List<NewTopic> newTopics() {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<String, ?> topic : Topics.ALL) {
            topics.add(new NewTopic(topic.name(), partitions, replicationFactor).configs(topic.config()));
            topics.add(new NewTopic(topic.deadLetterName(), partitions, replicationFactor).configs(Topics.DEAD_LETTERS));
        }
        return topics;
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
