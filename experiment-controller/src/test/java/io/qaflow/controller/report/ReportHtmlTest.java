package io.qaflow.controller.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.controller.Samples;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict.Decision;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ReportHtmlTest {
    private static final String HOSTILE = "<img src=x onerror=\"alert('x')\">&amp;";
    private static final Pattern SVG = Pattern.compile("<svg id=\"([a-z-]+)\".*?</svg>", Pattern.DOTALL);

    private static ExperimentReport report(StatsSource.Result stats) {
        ExperimentState running = Samples.running("exp-1");
        List<ExperimentState.Transition> audit = new ArrayList<>(running.lifecycle().audit());
        audit.add(new ExperimentState.Transition(Samples.NOW, ExperimentState.Status.RUNNING,
                ExperimentState.Status.ROLLED_BACK, "rule:guardrail", "breach " + HOSTILE,
                Map.of("concise.degraded_rate.treatment", 0.3)));
        ExperimentState experiment = new ExperimentState(running.schemaVersion(), running.eventId(),
                running.occurredAt(), running.experimentId(), running.variants(), running.controlVariant(),
                ExperimentState.Status.ROLLED_BACK, running.startedAt(), running.primaryMetric(),
                running.minimumDetectableEffect(), running.guardrails(), new ExperimentState.Lifecycle(
                running.lifecycle().name(), running.lifecycle().targetSampleSize(), running.lifecycle().successCriteria(), false, "FIXED", null,
                null, null, audit));
        return ReportBuilder.build(Samples.NOW, experiment, Samples.verdict("exp-1", Samples.STARTED, 100,
                Samples.treatment("concise", Decision.GUARDRAIL_BREACH)), stats);
    }

    private static StatsSource.Result threeWindowsPerArmAndAHostileVariant() {
        return StatsSource.Result.of(new AggregatorStats("exp-1", List.of(
                ReportSamples.variant("exp-1", "control", 600, 540, 80, 20, 0.002, 100, 3),
                ReportSamples.variant("exp-1", "concise", 300, 285, 45, 5, 0.001, 80, 3),
                ReportSamples.variant("exp-1", "top10", 90, 81, 9, 1, 0.004, 150, 3),
                ReportSamples.variant("exp-1", HOSTILE, 30, 27, 0, 0, 0.004, 150, 3))));
    }

    @Test
    void thePageHasFourTitledWellFormedChartsWithEveryDataPoint() throws Exception {
        String html = ReportHtml.render(report(threeWindowsPerArmAndAHostileVariant()));

        Map<String, Element> charts = charts(html);
        assertThat(charts).containsOnlyKeys("chart-latency", "chart-rates", "chart-cost", "chart-split");
        charts.values().forEach(svg -> assertThat(firstChild(svg, "title").getTextContent()).isNotBlank());
        // 4 variants x 3 windows x p50/p95/p99
        assertThat(points(charts.get("chart-latency"), "circle")).hasSize(36);
        assertThat(charts.get("chart-latency").getElementsByTagName("polyline").getLength()).isEqualTo(12);
        // success for all 4, feedback for the 3 with feedback; each with its interval
        assertThat(points(charts.get("chart-rates"), "circle")).hasSize(4);
        assertThat(points(charts.get("chart-rates"), "rect")).hasSize(3);
        assertThat(html.split("class=\"ci\"", -1)).hasSize(8);
        assertThat(bars(charts.get("chart-cost"))).hasSize(4);
        // configured and observed per variant
        assertThat(bars(charts.get("chart-split"))).hasSize(8);
        assertThat(html).contains("<table id=\"audit\">", "rule:guardrail", "concise.degraded_rate.treatment = 0.3",
                "GUARDRAIL_BREACH");
    }

    @Test
    void everyTextFromDataIsEscaped() throws Exception {
        String html = ReportHtml.render(report(threeWindowsPerArmAndAHostileVariant()));

        assertThat(html).doesNotContain("<img", "onerror=\"").contains(
                "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;amp;");
        // in attributes too: the charts parse and carry the name back unchanged
        Element latency = charts(html).get("chart-latency");
        assertThat(points(latency, "circle")).extracting(e -> e.getAttribute("data-variant")).contains(HOSTILE);
    }

    @Test
    void isSelfContained() {
        String html = ReportHtml.render(report(threeWindowsPerArmAndAHostileVariant()));

        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script", "<link", "src=\"http",
                "href=\"http", "@import", "url(");
    }

    @Test
    void withoutStatisticsTheChartsSayNoDataAndTheWarningIsShown() throws Exception {
        String html = ReportHtml.render(report(StatsSource.Result.missing("aggregator <down>")));

        Map<String, Element> charts = charts(html);
        assertThat(charts).hasSize(4);
        assertThat(charts.get("chart-latency").getElementsByTagName("circle").getLength()).isZero();
        assertThat(charts.get("chart-latency").getTextContent()).contains("no data yet");
        assertThat(html).contains("<p class=\"warning\">aggregator &lt;down&gt;</p>");
        // the configured allocation is known without statistics
        assertThat(bars(charts.get("chart-split"))).hasSize(3)
                .allSatisfy(bar -> assertThat(bar.getAttribute("data-series")).isEqualTo("configured"));
    }

    @Test
    void axesEndOnARoundNumberJustAboveTheLargestValueAndLabelEveryTickAlike() {
        assertThat(ReportHtml.Axis.of(0.002)).isEqualTo(new ReportHtml.Axis(0.002, 4));
        assertThat(ReportHtml.Axis.of(0.002).decimals()).isEqualTo(4);
        assertThat(ReportHtml.Axis.of(390).max()).isEqualTo(400);
        assertThat(ReportHtml.Axis.of(390).decimals()).isZero();
        assertThat(ReportHtml.Axis.of(0.9).max()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(ReportHtml.Axis.of(0.9).decimals()).isEqualTo(2);
        assertThat(ReportHtml.Axis.of(0).max()).isEqualTo(1);
    }

    @Test
    void oneWindowIsDrawnInTheMiddle() throws Exception {
        ExperimentReport.LatencyWindow window = new ExperimentReport.LatencyWindow(Instant.EPOCH,
                Instant.EPOCH.plusSeconds(60), 10, 100, 200, 300);
        String svg = ReportHtml.latencyChart(List.of(new ExperimentReport.VariantSummary("control", true, 1, 1.0,
                10, null, null, null, List.of(window))));

        Element chart = parse(svg);
        assertThat(points(chart, "circle")).hasSize(3).extracting(e -> e.getAttribute("cx")).containsOnly("317.0");
        assertThat(points(chart, "circle")).extracting(e -> Double.parseDouble(e.getAttribute("cy")))
                .isSortedAccordingTo((a, b) -> Double.compare(b, a)); // p50 lowest on the page = largest y
    }

    private static Map<String, Element> charts(String html) throws Exception {
        Map<String, Element> charts = new java.util.LinkedHashMap<>();
        Matcher svg = SVG.matcher(html);
        while (svg.find()) {
            charts.put(svg.group(1), parse(svg.group()));
        }
        return charts;
    }

    private static Element parse(String svg) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        return document.getDocumentElement();
    }

    private static Element firstChild(Element parent, String tag) {
        return (Element) parent.getElementsByTagName(tag).item(0);
    }

    private static List<Element> points(Element svg, String tag) {
        return elements(svg, tag).stream().filter(e -> e.getAttribute("class").equals("point")).toList();
    }

    private static List<Element> bars(Element svg) {
        return elements(svg, "rect").stream().filter(e -> e.getAttribute("class").equals("bar")).toList();
    }

    private static List<Element> elements(Element svg, String tag) {
        List<Element> out = new ArrayList<>();
        var nodes = svg.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }
}
