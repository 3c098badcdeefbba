package io.qaflow.controller.report;

import static io.qaflow.controller.report.Svg.escape;
import static io.qaflow.controller.report.Svg.n;

import io.qaflow.controller.report.ExperimentReport.LatencyWindow;
import io.qaflow.controller.report.ExperimentReport.VariantSummary;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no external resource. Every text that
 * comes from data is escaped. Charts: {@code chart-latency}, {@code chart-rates}, {@code chart-cost},
 * {@code chart-split}; each data point is an element with class {@code point} (circle) or {@code bar} (rect).
 */
public final class ReportHtml {
    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int WIDTH = 720;
    private static final int HEIGHT = 280;
    private static final int LEFT = 64;
    private static final int RIGHT = 150;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private ReportHtml() {}

    public static String render(ExperimentReport report) {
        ExperimentState experiment = report.experiment();
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Experiment ").append(escape(experiment.experimentId())).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
                .append("svg{display:block;margin:1em 0;background:#fafafa}.warning{color:#a40}")
                .append("section{margin-bottom:2em}</style></head><body>\n");
        String name = experiment.lifecycle() == null ? null : experiment.lifecycle().name();
        html.append("<h1>Experiment ").append(escape(experiment.experimentId()))
                .append(name == null ? "" : ": " + escape(name)).append("</h1>\n");
        html.append("<p>Status <strong id=\"status\">").append(escape(String.valueOf(experiment.status())))
                .append("</strong>, control <strong>").append(escape(experiment.controlVariant()))
                .append("</strong>, primary metric ").append(escape(String.valueOf(experiment.primaryMetric())))
                .append(", started ").append(escape(String.valueOf(experiment.startedAt())))
                .append(". Report generated ").append(escape(String.valueOf(report.generatedAt()))).append(".</p>\n");
        if (experiment.lifecycle() != null && experiment.lifecycle().winner() != null) {
            html.append("<p>Winner <strong>").append(escape(experiment.lifecycle().winner())).append("</strong>: ")
                    .append(escape(experiment.lifecycle().conclusion())).append("</p>\n");
        }
        for (String warning : report.warnings()) {
            html.append("<p class=\"warning\">").append(escape(warning)).append("</p>\n");
        }
        arms(html, report);
        verdict(html, report.verdict());
        html.append("<section><h2>Latency over time</h2>\n").append(latencyChart(report.variants()))
                .append("</section>\n<section><h2>Success and positive-feedback rates (95% Wilson intervals)</h2>\n")
                .append(ratesChart(report.variants()))
                .append("</section>\n<section><h2>Cost per request</h2>\n").append(costChart(report.variants()))
                .append("</section>\n<section><h2>Allocation vs observed split</h2>\n")
                .append(splitChart(report.variants())).append("</section>\n");
        audit(html, experiment);
        html.append("</body></html>\n");
        return html.toString();
    }

    private static void arms(StringBuilder html, ExperimentReport report) {
        html.append("<section><h2>Variants</h2><table id=\"variants\"><tr><th>variant</th><th>prompt</th>")
                .append("<th>model</th><th>topK</th><th>allocation</th><th>observed</th><th>requests</th>")
                .append("<th>success rate</th><th>positive feedback</th><th>cost / request</th></tr>\n");
        for (VariantSummary v : report.variants()) {
            ExperimentState.Arm arm = report.experiment().variants().stream()
                    .filter(a -> a.name().equals(v.variant())).findFirst().orElse(null);
            html.append("<tr><td>").append(escape(v.variant())).append(v.control() ? " (control)" : "")
                    .append("</td><td>").append(arm == null ? "" : escape(arm.promptVersion()))
                    .append("</td><td>").append(arm == null ? "" : escape(arm.model()))
                    .append("</td><td>").append(arm == null ? "" : arm.topK())
                    .append("</td><td>").append(Svg.percent(v.configuredShare()))
                    .append("</td><td>").append(v.observedShare() == null ? "–" : Svg.percent(v.observedShare()))
                    .append("</td><td>").append(v.requests())
                    .append("</td><td>").append(rate(v.successRate()))
                    .append("</td><td>").append(rate(v.positiveFeedbackRate()))
                    .append("</td><td>").append(v.costPerRequestUsd() == null ? "–"
                            : "$" + Svg.number(v.costPerRequestUsd(), 6))
                    .append("</td></tr>\n");
        }
        html.append("</table></section>\n");
    }

    private static String rate(Wilson.Rate rate) {
        return rate == null ? "–" : Svg.percent(rate.rate()) + " [" + Svg.percent(rate.low()) + ", "
                + Svg.percent(rate.high()) + "] of " + rate.trials();
    }

    private static void verdict(StringBuilder html, ExperimentVerdict verdict) {
        html.append("<section><h2>Latest verdict</h2>\n");
        if (verdict == null) {
            html.append("<p id=\"verdict\">No verdict consumed yet.</p></section>\n");
            return;
        }
        html.append("<p id=\"verdict\">Computed ").append(escape(String.valueOf(verdict.occurredAt())))
                .append(", sample-ratio p = ").append(verdict.srmPValue() == null ? "–"
                        : Svg.number(verdict.srmPValue(), 4)).append("</p>\n<table><tr><th>treatment</th>")
                .append("<th>decision</th></tr>\n");
        for (ExperimentVerdict.TreatmentVerdict t : verdict.treatments()) {
            html.append("<tr><td>").append(escape(t.variant())).append("</td><td>")
                    .append(escape(String.valueOf(t.decision()))).append("</td></tr>\n");
        }
        html.append("</table></section>\n");
    }

    private static void audit(StringBuilder html, ExperimentState experiment) {
        html.append("<section><h2>Audit trail</h2><table id=\"audit\"><tr><th>when</th><th>from</th><th>to</th>")
                .append("<th>by</th><th>why</th><th>figures</th></tr>\n");
        List<ExperimentState.Transition> audit = experiment.lifecycle() == null ? List.of()
                : experiment.lifecycle().audit();
        for (ExperimentState.Transition t : audit) {
            html.append("<tr><td>").append(escape(String.valueOf(t.at()))).append("</td><td>")
                    .append(t.from() == null ? "—" : escape(t.from().name())).append("</td><td>")
                    .append(escape(String.valueOf(t.to()))).append("</td><td>").append(escape(t.actor()))
                    .append("</td><td>").append(escape(t.reason())).append("</td><td>");
            if (t.figures() != null) {
                for (Map.Entry<String, Double> f : new java.util.TreeMap<>(t.figures()).entrySet()) {
                    html.append(escape(f.getKey())).append(" = ")
                            .append(f.getValue() == null ? "–" : escape(String.valueOf(f.getValue()))).append("<br>");
                }
            }
            html.append("</td></tr>\n");
        }
        html.append("</table></section>\n");
    }

    static String latencyChart(List<VariantSummary> variants) {
        TreeSet<Instant> starts = new TreeSet<>();
        double max = 0;
        for (VariantSummary v : variants) {
            for (LatencyWindow w : v.latency()) {
                starts.add(w.windowStart());
                max = Math.max(max, w.p99());
            }
        }
        StringBuilder svg = open("chart-latency",
                "Latency p50, p95 and p99 per variant over time, milliseconds");
        if (starts.isEmpty()) {
            return empty(svg);
        }
        List<Instant> times = new ArrayList<>(starts);
        Axis y = Axis.of(max);
        yAxis(svg, y, " ms");
        svg.append("<text x=\"").append(LEFT).append("\" y=\"").append(HEIGHT - 8).append("\" font-size=\"11\">")
                .append(escape(times.getFirst().toString())).append("</text>")
                .append("<text x=\"").append(WIDTH - RIGHT).append("\" y=\"").append(HEIGHT - 8)
                .append("\" font-size=\"11\" text-anchor=\"end\">").append(escape(times.getLast().toString()))
                .append("</text>\n");
        String[] dash = {"", "6 3", "2 3"};
        String[] names = {"p50", "p95", "p99"};
        int legend = 0;
        for (int i = 0; i < variants.size(); i++) {
            VariantSummary v = variants.get(i);
            if (v.latency().isEmpty()) {
                continue;
            }
            String colour = COLOURS[i % COLOURS.length];
            for (int p = 0; p < 3; p++) {
                StringBuilder line = new StringBuilder();
                StringBuilder points = new StringBuilder();
                for (LatencyWindow w : v.latency()) {
                    double value = p == 0 ? w.p50() : p == 1 ? w.p95() : w.p99();
                    double x = xOf(times.indexOf(w.windowStart()), times.size());
                    double yy = y.pixel(value);
                    line.append(line.isEmpty() ? "" : " ").append(n(x)).append(',').append(n(yy));
                    points.append("<circle class=\"point\" data-variant=\"").append(escape(v.variant()))
                            .append("\" data-series=\"").append(names[p]).append("\" cx=\"").append(n(x))
                            .append("\" cy=\"").append(n(yy)).append("\" r=\"3\" fill=\"").append(colour)
                            .append("\"><title>").append(escape(v.variant())).append(' ').append(names[p])
                            .append(' ').append(escape(w.windowStart().toString())).append(": ")
                            .append(Svg.number(value, 1)).append(" ms</title></circle>");
                }
                svg.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\"")
                        .append(dash[p].isEmpty() ? "" : " stroke-dasharray=\"" + dash[p] + "\"")
                        .append(" points=\"").append(line).append("\"/>").append(points).append('\n');
                legend(svg, legend++, colour, v.variant() + " " + names[p], dash[p]);
            }
        }
        return close(svg);
    }

    static String ratesChart(List<VariantSummary> variants) {
        StringBuilder svg = open("chart-rates",
                "Success rate and positive-feedback rate per variant with 95% Wilson confidence intervals");
        if (variants.stream().allMatch(v -> v.successRate() == null && v.positiveFeedbackRate() == null)) {
            return empty(svg);
        }
        Axis y = new Axis(1, 5);
        yAxisPercent(svg, y);
        double slot = (WIDTH - LEFT - RIGHT) / (double) variants.size();
        for (int i = 0; i < variants.size(); i++) {
            VariantSummary v = variants.get(i);
            String colour = COLOURS[i % COLOURS.length];
            double base = LEFT + slot * i;
            rateWithInterval(svg, v.variant(), "success", v.successRate(), base + slot * 0.3, y, colour, false);
            rateWithInterval(svg, v.variant(), "feedback", v.positiveFeedbackRate(), base + slot * 0.7, y, colour,
                    true);
            label(svg, base + slot / 2, v.variant());
        }
        legend(svg, 0, "#444", "● success rate", "");
        legend(svg, 1, "#444", "◆ positive feedback", "");
        return close(svg);
    }

    private static void rateWithInterval(StringBuilder svg, String variant, String series, Wilson.Rate rate, double x,
                                         Axis y, String colour, boolean diamond) {
        if (rate == null) {
            return;
        }
        double low = y.pixel(rate.low());
        double high = y.pixel(rate.high());
        svg.append("<line class=\"ci\" x1=\"").append(n(x)).append("\" x2=\"").append(n(x)).append("\" y1=\"")
                .append(n(low)).append("\" y2=\"").append(n(high)).append("\" stroke=\"").append(colour)
                .append("\" stroke-width=\"1.5\"/>");
        for (double end : new double[] {low, high}) {
            svg.append("<line x1=\"").append(n(x - 6)).append("\" x2=\"").append(n(x + 6)).append("\" y1=\"")
                    .append(n(end)).append("\" y2=\"").append(n(end)).append("\" stroke=\"").append(colour)
                    .append("\"/>");
        }
        double cy = y.pixel(rate.rate());
        String title = "<title>" + escape(variant) + " " + series + ": " + Svg.percent(rate.rate()) + " ["
                + Svg.percent(rate.low()) + ", " + Svg.percent(rate.high()) + "] of " + rate.trials() + "</title>";
        String attrs = " class=\"point\" data-variant=\"" + escape(variant) + "\" data-series=\"" + series
                + "\" fill=\"" + colour + "\"";
        if (diamond) {
            svg.append("<rect").append(attrs).append(" x=\"").append(n(x - 4)).append("\" y=\"").append(n(cy - 4))
                    .append("\" width=\"8\" height=\"8\" transform=\"rotate(45 ").append(n(x)).append(' ')
                    .append(n(cy)).append(")\">").append(title).append("</rect>\n");
        } else {
            svg.append("<circle").append(attrs).append(" cx=\"").append(n(x)).append("\" cy=\"").append(n(cy))
                    .append("\" r=\"4\">").append(title).append("</circle>\n");
        }
    }

    static String costChart(List<VariantSummary> variants) {
        StringBuilder svg = open("chart-cost", "Mean cost per request per variant, USD");
        double max = variants.stream().filter(v -> v.costPerRequestUsd() != null)
                .mapToDouble(VariantSummary::costPerRequestUsd).max().orElse(-1);
        if (max < 0) {
            return empty(svg);
        }
        Axis y = Axis.of(max);
        yAxis(svg, y, "");
        double slot = (WIDTH - LEFT - RIGHT) / (double) variants.size();
        for (int i = 0; i < variants.size(); i++) {
            VariantSummary v = variants.get(i);
            if (v.costPerRequestUsd() != null) {
                bar(svg, v.variant(), "cost", LEFT + slot * i + slot * 0.25, slot * 0.5, y, v.costPerRequestUsd(),
                        COLOURS[i % COLOURS.length], "$" + Svg.number(v.costPerRequestUsd(), 6));
            }
            label(svg, LEFT + slot * i + slot / 2, v.variant());
        }
        return close(svg);
    }

    static String splitChart(List<VariantSummary> variants) {
        StringBuilder svg = open("chart-split", "Configured allocation vs observed share of requests per variant");
        if (variants.isEmpty()) {
            return empty(svg);
        }
        Axis y = new Axis(1, 5);
        yAxisPercent(svg, y);
        double slot = (WIDTH - LEFT - RIGHT) / (double) variants.size();
        for (int i = 0; i < variants.size(); i++) {
            VariantSummary v = variants.get(i);
            String colour = COLOURS[i % COLOURS.length];
            double base = LEFT + slot * i;
            bar(svg, v.variant(), "configured", base + slot * 0.15, slot * 0.3, y, v.configuredShare(),
                    colour + "\" fill-opacity=\"0.45", "configured " + Svg.percent(v.configuredShare()));
            if (v.observedShare() != null) {
                bar(svg, v.variant(), "observed", base + slot * 0.55, slot * 0.3, y, v.observedShare(), colour,
                        "observed " + Svg.percent(v.observedShare()) + " of " + v.requests());
            }
            label(svg, base + slot / 2, v.variant());
        }
        legend(svg, 0, "#888", "light: configured", "");
        legend(svg, 1, "#222", "solid: observed", "");
        return close(svg);
    }

    private static void bar(StringBuilder svg, String variant, String series, double x, double width, Axis y,
                            double value, String fill, String text) {
        double top = y.pixel(value);
        svg.append("<rect class=\"bar\" data-variant=\"").append(escape(variant)).append("\" data-series=\"")
                .append(series).append("\" x=\"").append(n(x)).append("\" y=\"").append(n(top))
                .append("\" width=\"").append(n(width)).append("\" height=\"").append(n(HEIGHT - BOTTOM - top))
                .append("\" fill=\"").append(fill).append("\"><title>").append(escape(variant)).append(": ")
                .append(escape(text)).append("</title></rect>\n");
    }

    private static StringBuilder open(String id, String title) {
        return new StringBuilder(4096).append("<svg id=\"").append(id)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\"><title>").append(escape(title)).append("</title>\n");
    }

    private static String empty(StringBuilder svg) {
        return svg.append("<text class=\"no-data\" x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                .append("\" text-anchor=\"middle\">no data yet</text></svg>\n").toString();
    }

    private static String close(StringBuilder svg) {
        return svg.append("</svg>\n").toString();
    }

    private static double xOf(int index, int count) {
        double span = WIDTH - LEFT - RIGHT;
        return count == 1 ? LEFT + span / 2 : LEFT + span * index / (count - 1);
    }

    private static void yAxis(StringBuilder svg, Axis y, String unit) {
        for (int t = 0; t <= y.ticks(); t++) {
            double value = y.max() * t / y.ticks();
            tick(svg, y.pixel(value), Svg.number(value, y.decimals()) + unit);
        }
        axes(svg);
    }

    private static void yAxisPercent(StringBuilder svg, Axis y) {
        for (int t = 0; t <= y.ticks(); t++) {
            double value = y.max() * t / y.ticks();
            tick(svg, y.pixel(value), Svg.number(value * 100, 0) + "%");
        }
        axes(svg);
    }

    private static void tick(StringBuilder svg, double pixel, String text) {
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(n(pixel)).append("\" y2=\"").append(n(pixel)).append("\" stroke=\"#e4e4e4\"/>")
                .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(n(pixel + 4))
                .append("\" font-size=\"11\" text-anchor=\"end\">").append(escape(text)).append("</text>\n");
    }

    private static void axes(StringBuilder svg) {
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#444\"/><line x1=\"").append(LEFT)
                .append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(HEIGHT - BOTTOM)
                .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#444\"/>\n");
    }

    private static void label(StringBuilder svg, double x, String text) {
        svg.append("<text x=\"").append(n(x)).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                .append("\" font-size=\"12\" text-anchor=\"middle\">").append(escape(text)).append("</text>\n");
    }

    private static void legend(StringBuilder svg, int row, String colour, String text, String dash) {
        int y = TOP + 6 + row * 16;
        int x = WIDTH - RIGHT + 12;
        svg.append("<line x1=\"").append(x).append("\" x2=\"").append(x + 18).append("\" y1=\"").append(y)
                .append("\" y2=\"").append(y).append("\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                .append(dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"").append("/><text x=\"")
                .append(x + 24).append("\" y=\"").append(y + 4).append("\" font-size=\"11\">").append(escape(text))
                .append("</text>\n");
    }

    /** A linear y axis from 0 to {@code max}, drawn with {@code ticks} gridlines. */
    record Axis(double max, int ticks) {
        static Axis of(double largest) {
            if (!(largest > 0)) {
                return new Axis(1, 4);
            }
            double magnitude = Math.pow(10, Math.floor(Math.log10(largest)));
            for (double step : new double[] {0.1, 0.2, 0.25, 0.5, 1, 2, 2.5}) {
                if (step * magnitude * 4 >= largest) {
                    return new Axis(step * magnitude * 4, 4);
                }
            }
            return new Axis(largest, 4);
        }

        /** Decimals that show every tick exactly (0.0005 steps: 4), the same for every tick. */
        int decimals() {
            double step = max / ticks;
            for (int d = 0; d < 10; d++) {
                double scaled = step * Math.pow(10, d);
                if (Math.abs(scaled - Math.rint(scaled)) < 1e-6 * Math.max(1, scaled)) {
                    return d;
                }
            }
            return 10;
        }

        double pixel(double value) {
            double clamped = Math.max(0, Math.min(value, max));
            return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * clamped / max;
        }
    }
}
