package io.qaflow.controller.it;

import static io.qaflow.controller.Samples.treatment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.controller.Samples;
import io.qaflow.controller.report.AggregatorStats;
import io.qaflow.controller.report.FakeAggregator;
import io.qaflow.controller.report.ReportSamples;
import io.qaflow.model.ExperimentVerdict.Decision;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import io.qaflow.testkit.browser.HeadlessChromium;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The HTML report as a browser renders it: a real headless Chromium (which {@code ./qaflow test} installs; without it
 * this test fails) loads the page from the running controller, the four charts are laid out with their marks drawn,
 * the page reports no error, and the screenshot has ink inside every chart.
 */
class ReportInChromiumIT {
    private static final Path SCREENSHOT = Path.of("target", "report-screenshots", "experiment-report.png");
    private static final List<String> CHARTS = List.of("chart-latency", "chart-rates", "chart-cost", "chart-split");
    /** Per chart: its box in CSS pixels, its data marks, and how many of them have a rendered box. */
    private static final String LAYOUT = """
            (() => {
              const charts = {};
              for (const id of %s) {
                const chart = document.getElementById(id);
                const box = chart.getBoundingClientRect();
                const marks = [...chart.querySelectorAll('.point, .bar, polyline')];
                const drawn = m => { const b = m.getBoundingClientRect(); return b.width > 0 && b.height > 0; };
                charts[id] = {x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height,
                  points: chart.querySelectorAll('.point').length, bars: chart.querySelectorAll('.bar').length,
                  lines: chart.querySelectorAll('polyline').length, drawn: marks.filter(drawn).length,
                  marks: marks.length, noData: chart.querySelectorAll('.no-data').length,
                  variants: [...new Set([...chart.querySelectorAll('.point')].map(p => p.dataset.variant))]};
              }
              return {title: document.title, heading: document.querySelector('h1').textContent,
                dpr: devicePixelRatio, viewportHeight: innerHeight, charts};
            })()""".formatted("['" + String.join("', '", CHARTS) + "']");

    private static EmbeddedKafkaBroker broker;
    private static FakeAggregator aggregator;
    private static RunningController controller;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        aggregator = FakeAggregator.start();
        controller = RunningController.startReady(broker.bootstrapServers(), aggregator.url());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable started : new AutoCloseable[] {controller, aggregator, broker}) {
            try {
                if (started != null) {
                    started.close();
                }
            } catch (Exception e) {
                System.err.println("cannot stop " + started + ": " + e);
            }
        }
    }

    @Test
    void theHtmlReportDrawsItsFourChartsInHeadlessChromium() throws IOException {
        String id = runningExperimentWithStatisticsAndAVerdict();

        JsonNode layout;
        BufferedImage image;
        // the browser's own Accept header (text/html first) picks the HTML page
        try (HeadlessChromium chromium = HeadlessChromium.launch();
             HeadlessChromium.Page page = chromium.open(controller.uri("/v1/experiments/" + id + "/report"))) {
            layout = page.evaluate(LAYOUT);
            page.screenshot(SCREENSHOT);
            assertThat(page.errors()).as("JavaScript exceptions and console errors").isEmpty();
        }
        image = ImageIO.read(SCREENSHOT.toFile());

        assertThat(layout.get("title").asString()).contains(id);
        assertThat(layout.get("heading").asString()).contains(id);
        double dpr = layout.get("dpr").asDouble();
        assertThat(image).as("a PNG at %s", SCREENSHOT.toAbsolutePath()).isNotNull();
        assertThat(image.getWidth()).isEqualTo((int) Math.round(HeadlessChromium.Page.WIDTH * dpr));
        assertThat(image.getHeight()).isEqualTo((int) Math.round(HeadlessChromium.Page.HEIGHT * dpr));
        System.out.printf("report screenshot: %s (%d x %d px)%n", SCREENSHOT.toAbsolutePath(), image.getWidth(),
                image.getHeight());

        Map<String, Integer> expectedMarks = Map.of("chart-latency", 2 * 4 * 3 + 2 * 3, // points + polylines
                "chart-rates", 2 * 2, "chart-cost", 2, "chart-split", 2 * 2);
        for (String chart : CHARTS) {
            JsonNode c = layout.get("charts").get(chart);
            assertThat(c.get("width").asDouble()).as("%s width", chart).isPositive();
            assertThat(c.get("height").asDouble()).as("%s height", chart).isPositive();
            assertThat(c.get("y").asDouble() + c.get("height").asDouble()).as("%s inside the screenshot", chart)
                    .isLessThanOrEqualTo(layout.get("viewportHeight").asDouble());
            assertThat(c.get("noData").asInt()).as("%s 'no data yet'", chart).isZero();
            assertThat(c.get("marks").asInt()).as("%s data marks", chart).isEqualTo(expectedMarks.get(chart));
            assertThat(c.get("drawn").asInt()).as("%s marks with a rendered box", chart).isEqualTo(c.get("marks")
                    .asInt());

            Ink ink = Ink.in(image, (int) (c.get("x").asDouble() * dpr), (int) (c.get("y").asDouble() * dpr),
                    (int) (c.get("width").asDouble() * dpr), (int) (c.get("height").asDouble() * dpr));
            System.out.printf("%s: %s%n", chart, ink);
            assertThat(ink.nonWhite()).as("%s non-white pixels", chart).isGreaterThan(ink.area() / 100);
            // only data marks (and the latency legend) are coloured; axes, gridlines and text are grey
            assertThat(ink.coloured()).as("%s coloured pixels", chart).isGreaterThan(100);
        }
        JsonNode latency = layout.get("charts").get("chart-latency");
        assertThat(latency.get("lines").asInt()).isEqualTo(6);
        assertThat(latency.get("variants").valueStream().map(JsonNode::asString)).containsExactly("control",
                "concise");
        assertThat(layout.get("charts").get("chart-rates").get("points").asInt()).isEqualTo(4);
        assertThat(layout.get("charts").get("chart-split").get("bars").asInt()).isEqualTo(4);
    }

    /** Pixels of a region of the screenshot: not (near) white, and clearly coloured rather than grey. */
    record Ink(int area, int nonWhite, int coloured) {
        static Ink in(BufferedImage image, int x, int y, int width, int height) {
            int nonWhite = 0;
            int coloured = 0;
            for (int py = y; py < Math.min(y + height, image.getHeight()); py++) {
                for (int px = x; px < Math.min(x + width, image.getWidth()); px++) {
                    int rgb = image.getRGB(px, py);
                    int r = rgb >> 16 & 0xff;
                    int g = rgb >> 8 & 0xff;
                    int b = rgb & 0xff;
                    if (Math.min(r, Math.min(g, b)) < 235) {
                        nonWhite++;
                    }
                    if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                        coloured++;
                    }
                }
            }
            return new Ink(width * height, nonWhite, coloured);
        }
    }

    private static String runningExperimentWithStatisticsAndAVerdict() {
        ControllerClient api = new ControllerClient(controller);
        assertThat(api.post("/v1/prompts", """
                {"name": "qa-answer", "version": "2.0.0", "system": "Version 2.0.0.",
                 "user": "Context:\\n{{context}}\\n\\nQuestion: {{question}}", "author": "ana",
                 "description": "for the report"}
                """).status()).isIn(200, 201);
        ControllerClient.Reply created = api.post("/v1/experiments", """
                {"name": "Report in Chromium",
                 "control": {"name": "control", "promptVersion": "1.0.0", "model": "gpt-4o-mini", "topK": 5},
                 "treatments": [{"name": "concise", "promptVersion": "2.0.0", "model": "gpt-4o-mini", "topK": 5}],
                 "allocation": "80/20", "targetSampleSize": 100, "minimumDetectableEffect": 0.05,
                 "primaryMetric": "SUCCESS_RATE",
                 "successCriteria": {"minImprovement": 0.02, "maxCostIncreasePct": 10, "maxP95LatencyIncreasePct": 20},
                 "guardrails": [{"metric": "DEGRADED_RATE", "maxWorsening": 0.05, "relative": false}],
                 "autoPromote": false}
                """);
        assertThat(created.status()).as("%s", created.json()).isEqualTo(201);
        String id = created.json().get("experimentId").asString();
        ControllerClient.Reply started = api.post("/v1/experiments/" + id + "/start", null);
        assertThat(started.status()).as("%s", started.json()).isEqualTo(200);
        Instant startedAt = Instant.parse(started.json().get("startedAt").asString());

        aggregator.serve(new AggregatorStats(id, List.of(
                ReportSamples.variant(id, "control", 800, 720, 90, 10, 0.002, 100, 4),
                ReportSamples.variant(id, "concise", 200, 190, 30, 10, 0.0012, 80, 4))));
        var verdict = Samples.verdict(id, startedAt, 400, treatment("concise", Decision.NO_DIFFERENCE));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            String topic = Topics.EXPERIMENT_VERDICTS.name();
            producer.send(new ProducerRecord<>(topic, id, Topics.EXPERIMENT_VERDICTS.valueSerde()
                    .serialize(topic, verdict))).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish the verdict", e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode report = api.get("/v1/experiments/" + id + "/report").json();
            return report.get("verdict").isObject() && report.get("stats").isObject();
        });
        return id;
    }
}
