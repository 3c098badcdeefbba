package io.qaflow.local.cluster;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * How one process of the cluster is started: its command, its environment, and the URL that says it is ready
 * (null: a broker or Redis, checked otherwise).
 */
record ProcessSpec(String name, List<String> command, Map<String, String> environment, URI readiness) {
    ProcessSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
