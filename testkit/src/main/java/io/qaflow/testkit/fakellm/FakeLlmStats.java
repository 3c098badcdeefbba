package io.qaflow.testkit.fakellm;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Counters of the chat calls the fake received since it started or since {@link FakeOpenAiServer#resetStats()}.
 *
 * @param received chat-completion requests received (streaming or not, whatever their outcome)
 * @param streamed of those, the ones that asked for {@code stream: true}
 * @param succeeded answered with 200
 * @param failed answered with an injected error status
 * @param hung held by the hang or the stallBody mode
 * @param rejected malformed requests answered with 400
 * @param inFlight calls being handled now
 * @param maxInFlight the most calls handled at the same time
 * @param modelsListed {@code GET /v1/models} calls
 */
public record FakeLlmStats(long received, long streamed, long succeeded, long failed, long hung, long rejected,
                           long inFlight, long maxInFlight, long modelsListed) {

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("received", received);
        node.put("streamed", streamed);
        node.put("succeeded", succeeded);
        node.put("failed", failed);
        node.put("hung", hung);
        node.put("rejected", rejected);
        node.put("inFlight", inFlight);
        node.put("maxInFlight", maxInFlight);
        node.put("modelsListed", modelsListed);
        return node;
    }
}
