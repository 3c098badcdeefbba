package io.qaflow.controller.api;

import io.qaflow.controller.ExperimentService;
import io.qaflow.controller.report.ExperimentReport;
import io.qaflow.controller.report.LatestVerdicts;
import io.qaflow.controller.report.ReportBuilder;
import io.qaflow.controller.report.ReportHtml;
import io.qaflow.controller.report.StatsSource;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.kafka.Json;
import io.qaflow.web.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /v1/experiments/{id}/report}: JSON by default, the HTML page for {@code Accept: text/html} or
 * {@code ?format=html}. The aggregator is asked on every call (blocking, off the event loop); when it cannot answer
 * the report still does, with {@code stats: null} and a warning.
 */
@RestController
public class ReportController {
    private static final MediaType HTML = new MediaType("text", "html", StandardCharsets.UTF_8);

    private final ExperimentService service;
    private final LatestVerdicts verdicts;
    private final StatsSource stats;
    private final Clock clock;

    public ReportController(ExperimentService service, LatestVerdicts verdicts, StatsSource stats, Clock clock) {
        this.service = service;
        this.verdicts = verdicts;
        this.stats = stats;
        this.clock = clock;
    }

    @GetMapping("/v1/experiments/{id}/report")
    public Mono<ResponseEntity<byte[]>> report(@PathVariable("id") String id,
                                               @RequestParam(name = "format", required = false) String format,
                                               @RequestHeader(name = "Accept", required = false) String accept) {
        boolean html = wantsHtml(format, accept);
        return Mono.fromCallable(() -> {
            ExperimentState experiment = service.get(id);
            ExperimentReport report = ReportBuilder.build(clock.instant(), experiment,
                    verdicts.find(id).orElse(null), stats.stats(id));
            return html
                    ? ResponseEntity.ok().contentType(HTML).body(ReportHtml.render(report)
                            .getBytes(StandardCharsets.UTF_8))
                    : ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                            .body(Json.MAPPER.writeValueAsBytes(report));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** {@code format} wins; else HTML when the client accepts text/html before (or without) JSON, as browsers do. */
    static boolean wantsHtml(String format, String accept) {
        if (format != null && !format.isBlank()) {
            String f = format.trim().toLowerCase(Locale.ROOT);
            if (!f.equals("html") && !f.equals("json")) {
                throw ProblemException.invalid("format", "must be json or html");
            }
            return f.equals("html");
        }
        if (accept == null) {
            return false;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (RuntimeException e) {
            return false;
        }
        double html = -1;
        double json = -1;
        for (MediaType type : types) {
            if (type.isWildcardType()) {
                continue;
            }
            if (type.isCompatibleWith(MediaType.TEXT_HTML)) {
                html = Math.max(html, type.getQualityValue());
            } else if (type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
                json = Math.max(json, type.getQualityValue());
            }
        }
        return html > 0 && html > json;
    }
}
