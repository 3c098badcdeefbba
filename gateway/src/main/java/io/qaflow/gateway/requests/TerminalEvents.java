package io.qaflow.gateway.requests;

import io.qaflow.model.RequestFailed;
import reactor.core.publisher.Mono;

/** Where the gateway publishes a terminal event it decided itself (an expiry); completes once it is acknowledged. */
@FunctionalInterface
public interface TerminalEvents {
    Mono<Void> publish(RequestFailed event);
}
