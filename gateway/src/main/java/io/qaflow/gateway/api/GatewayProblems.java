package io.qaflow.gateway.api;

import io.qaflow.gateway.GatewayMetrics;
import io.qaflow.gateway.requests.UnknownRequestException;
import io.qaflow.kafka.PublishFailedException;
import io.qaflow.web.FieldError;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import io.qaflow.web.ProblemMapper;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's own failures as problems: an unknown request id (404), Kafka not acknowledging (503, 413). */
public final class GatewayProblems implements ProblemMapper {
    private static final Logger log = LoggerFactory.getLogger(GatewayProblems.class);

    private final GatewayMetrics metrics;
    private final Duration retryAfter;

    public GatewayProblems(GatewayMetrics metrics, Duration retryAfter) {
        this.metrics = metrics;
        this.retryAfter = retryAfter;
    }

    @Override
    public Optional<ProblemException> map(Throwable error) {
        return Optional.ofNullable(switch (error) {
            case UnknownRequestException unknown -> unknownRequest(unknown.requestId());
            case PublishFailedException failed when failed.tooLarge() -> new ProblemException(Problem.of(413,
                    "payload-too-large", "Request too large", "the event is larger than a Kafka record may be",
                    List.of(new FieldError("body", "is too large to publish"))));
            case PublishFailedException failed -> {
                log.warn("Kafka unavailable: {}", failed.getMessage());
                metrics.error("publish", "kafka_unavailable");
                yield ProblemException.unavailable("service-unavailable", failed.mayHaveBeenPublished()
                        ? "Kafka did not acknowledge the request in time; it may or may not have been recorded, "
                                + "retry later"
                        : "Kafka refused the request; nothing was accepted, retry later", retryAfter);
            }
            default -> null;
        });
    }

    private static ProblemException unknownRequest(String requestId) {
        return new ProblemException(Problem.of(404, "unknown-request", "Unknown request",
                "no request " + requestId + " is known (never accepted, or its status is no longer kept)",
                List.of(new FieldError("id", "no such request"))).with("requestId", requestId));
    }
}
