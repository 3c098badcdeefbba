package io.qaflow.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local stack keeps its data and which ports it uses (0 = any free port, as tests do).
 *
 * @param experimentControllerPort where the experiment controller's REST API listens
 * @param redisPort where the stack's own redis-server listens
 * @param answerWorkerProperties extra properties for the answer worker (e.g. an LLM endpoint)
 * @param serviceProperties extra properties for every service (e.g. {@code qaflow.cache.enabled=false})
 * @param ingestSampleCorpus whether to ingest the bundled Super_Bowl_50 corpus when the corpus topic is empty
 */
public record LocalStackSettings(
        Path dataDir,
        int kafkaPort,
        int kafkaControllerPort,
        int gatewayPort,
        int embedderPort,
        int answerWorkerPort,
        int aggregatorPort,
        int experimentControllerPort,
        int redisPort,
        int partitions,
        Map<String, Object> answerWorkerProperties,
        Map<String, Object> serviceProperties,
        boolean ingestSampleCorpus) {

    public LocalStackSettings {
        answerWorkerProperties = Map.copyOf(answerWorkerProperties);
        serviceProperties = Map.copyOf(serviceProperties);
    }

    /** The embedded default of {@code ./qaflow up}. */
    public static LocalStackSettings defaults(Path dataDir) {
        return new LocalStackSettings(dataDir, 9092, 9093, 8080, 8091, 8092, 8082, 8081, 6379, 3, Map.of(), Map.of(), true);
    }

    /** Free ports and no sample corpus: what integration tests use. */
    public static LocalStackSettings forTests(Path dataDir) {
        return new LocalStackSettings(dataDir, 0, 0, 0, 0, 0, 0, 0, 0, 3, Map.of(), Map.of(), false);
    }

    public LocalStackSettings withAnswerWorkerProperties(Map<String, Object> properties) {
        return new LocalStackSettings(dataDir, kafkaPort, kafkaControllerPort, gatewayPort, embedderPort,
                answerWorkerPort, aggregatorPort, experimentControllerPort, redisPort, partitions, properties, serviceProperties,
                ingestSampleCorpus);
    }

    public LocalStackSettings withServiceProperties(Map<String, Object> properties) {
        return new LocalStackSettings(dataDir, kafkaPort, kafkaControllerPort, gatewayPort, embedderPort,
                answerWorkerPort, aggregatorPort, experimentControllerPort, redisPort, partitions, answerWorkerProperties, properties,
                ingestSampleCorpus);
    }
}
