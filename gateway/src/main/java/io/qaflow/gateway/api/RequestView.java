package io.qaflow.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.qaflow.gateway.requests.Failure;
import io.qaflow.gateway.requests.TrackedRequest;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.RequestStatus;
import io.qaflow.model.SourceChunk;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * A request as clients see it: its status, and the answer fields once ANSWERED or the error once FAILED/EXPIRED.
 * Fields that do not apply are left out.
 */
@Schema(name = "Request")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestView(
        String requestId,
        RequestStatus status,
        String statusUrl,
        String question,
        Instant acceptedAt,
        Instant deadline,
        Instant updatedAt,
        VariantView variant,
        String promptVersion,
        @Schema(description = "The model that answered; the requested one until then (\"auto\" = the worker's own)")
        String model,
        String answer,
        List<SourceView> sources,
        @Schema(description = "true when the answer came from the answer cache, \"semantic\" when it is the cached "
                + "answer of a similar question, false otherwise", oneOf = {Boolean.class, String.class})
        Object cached,
        Boolean degraded,
        UsageView usage,
        Double costUsd,
        LatencyView latencyMs,
        ErrorView error) {

    public static String statusUrl(String requestId) {
        return "/v1/requests/" + requestId;
    }

    public static RequestView of(TrackedRequest request) {
        Variant variant = request.variant();
        AnswerCompleted answer = request.answer();
        Failure failure = request.failure();
        return new RequestView(
                request.requestId(),
                request.status(),
                statusUrl(request.requestId()),
                request.question(),
                request.acceptedAt(),
                request.deadline(),
                request.updatedAt(),
                new VariantView(variant.experimentId(), variant.variant(), variant.topK()),
                variant.promptVersion(),
                answer != null ? answer.model() : variant.model(),
                answer != null ? answer.answer() : null,
                answer != null ? answer.sources().stream().map(SourceView::of).toList() : null,
                answer != null ? cachedView(answer) : null,
                answer != null ? answer.degraded() : null,
                answer != null ? UsageView.of(answer.usage()) : null,
                answer != null ? answer.costUsd() : null,
                answer != null ? LatencyView.of(answer.latencyMs()) : null,
                failure != null ? ErrorView.of(failure) : null);
    }

    private static Object cachedView(AnswerCompleted answer) {
        return answer.cacheHit() == AnswerCompleted.CacheHit.SEMANTIC ? "semantic" : answer.cached();
    }

    @Schema(name = "Variant", description = "The experiment arm the request ran in")
    public record VariantView(String experimentId, String name, int topK) {}

    @Schema(name = "Source", description = "A retrieved chunk, in rank order")
    public record SourceView(String documentId, String chunkId, String title, double score, String text) {
        static SourceView of(SourceChunk chunk) {
            return new SourceView(chunk.documentId(), chunk.chunkId(), chunk.title(), chunk.score(), chunk.text());
        }
    }

    @Schema(name = "Usage", description = "Tokens of the answer; estimated when the model reported none")
    public record UsageView(int promptTokens, int completionTokens, boolean estimated) {
        static UsageView of(TokenUsage usage) {
            return new UsageView(usage.promptTokens(), usage.completionTokens(), usage.estimated());
        }
    }

    @Schema(name = "Latency", description = "Milliseconds per stage; total runs from acceptance to the answer")
    public record LatencyView(long total, long embed, long retrieve, long generate) {
        static LatencyView of(StageLatency latency) {
            return new LatencyView(latency.total(), latency.embed(), latency.retrieve(), latency.generate());
        }
    }

    @Schema(name = "Error", description = "Why a request FAILED or EXPIRED")
    public record ErrorView(String stage, String code, String message, boolean retryable) {
        static ErrorView of(Failure failure) {
            return new ErrorView(failure.stage().name(), failure.code().name(), failure.message(),
                    failure.retryable());
        }
    }
}
