package io.qaflow.metrics.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Checks every formula against the SciPy table written by src/test/python/reference_stats.py. */
class ReferenceValuesTest {

    private static final double RELATIVE = 1e-9;
    private static final double TAU2 = 0.0064;
    private static final double ALPHA = 0.05;

    @Test
    void welchMatchesScipy() throws IOException {
        for (Map<String, String> row : table("reference.tsv")) {
            MeanComparison result = Comparison.welch(
                    new MeanSummary(longOf(row, "c_n"), num(row, "c_mean"), num(row, "c_var")),
                    new MeanSummary(longOf(row, "t_n"), num(row, "t_mean"), num(row, "t_var")));
            String c = "case " + row.get("case");
            close(c + " t", result.t(), num(row, "welch_t"));
            close(c + " df", result.degreesOfFreedom(), num(row, "welch_df"));
            close(c + " p", result.pValue(), num(row, "welch_p"));
            close(c + " ci low", result.confidenceInterval().lower(), num(row, "welch_ci_low"));
            close(c + " ci high", result.confidenceInterval().upper(), num(row, "welch_ci_high"));
            close(c + " diff", result.difference(), num(row, "t_mean") - num(row, "c_mean"));
        }
    }

    @Test
    void twoProportionsMatchScipy() throws IOException {
        for (Map<String, String> row : table("reference.tsv")) {
            ProportionComparison result = Comparison.twoProportions(
                    new ProportionSummary(longOf(row, "pc_n"), longOf(row, "pc_x")),
                    new ProportionSummary(longOf(row, "pt_n"), longOf(row, "pt_x")));
            String c = "case " + row.get("case");
            close(c + " z", result.z(), num(row, "z"));
            close(c + " p", result.pValue(), num(row, "z_p"));
            close(c + " ci low", result.confidenceInterval().lower(), num(row, "z_ci_low"));
            close(c + " ci high", result.confidenceInterval().upper(), num(row, "z_ci_high"));
        }
    }

    @Test
    void sampleRatioMismatchMatchesScipy() throws IOException {
        for (Map<String, String> row : table("reference.tsv")) {
            long[] observed = Arrays.stream(row.get("srm_observed").split(",")).mapToLong(Long::parseLong).toArray();
            double[] weights = doubles(row.get("srm_weights"));
            close("case " + row.get("case"), Comparison.sampleRatioMismatchPValue(observed, weights),
                    num(row, "srm_p"));
        }
    }

    @Test
    void sampleSizesMatchScipy() throws IOException {
        for (Map<String, String> row : table("reference.tsv")) {
            assertThat(SampleSize.perArmForProportions(num(row, "ss_baseline"), num(row, "ss_effect")))
                    .as("case %s proportions", row.get("case")).isEqualTo(longOf(row, "ss_prop_per_arm"));
            assertThat(SampleSize.perArmForMeans(num(row, "ss_sd"), num(row, "ss_mean_effect")))
                    .as("case %s means", row.get("case")).isEqualTo(longOf(row, "ss_mean_per_arm"));
        }
    }

    @Test
    void mixtureSprtMatchesReferenceFormula() throws IOException {
        for (Map<String, String> row : table("reference.tsv")) {
            ProportionSummary control = new ProportionSummary(longOf(row, "pc_n"), longOf(row, "pc_x"));
            ProportionSummary treatment = new ProportionSummary(longOf(row, "pt_n"), longOf(row, "pt_x"));
            double v = control.bernoulliVariance() / control.trials() + treatment.bernoulliVariance() / treatment.trials();
            double d = treatment.rate() - control.rate();
            String c = "case " + row.get("case");
            close(c + " log lambda", MixtureSprt.logLikelihoodRatio(d, v, TAU2), num(row, "msprt_log_lambda"));
            close(c + " half width", MixtureSprt.halfWidth(v, TAU2, ALPHA), num(row, "msprt_half_width"));
        }
    }

    @Test
    void adjustmentsMatchScipy() throws IOException {
        for (Map<String, String> row : table("adjustments.tsv")) {
            double[] p = doubles(row.get("p_values"));
            closeAll("case " + row.get("case") + " holm", PValueAdjustment.holm(p), doubles(row.get("holm")));
            closeAll("case " + row.get("case") + " bh", PValueAdjustment.benjaminiHochberg(p),
                    doubles(row.get("benjamini_hochberg")));
        }
    }

    private static void closeAll(String what, double[] actual, double[] expected) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            close(what + "[" + i + "]", actual[i], expected[i]);
        }
    }

    private static void close(String what, double actual, double expected) {
        assertThat(Math.abs(actual - expected)).as("%s: %s vs scipy %s", what, actual, expected)
                .isLessThanOrEqualTo(RELATIVE * Math.abs(expected));
    }

    private static double num(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }

    private static long longOf(Map<String, String> row, String column) {
        return Long.parseLong(row.get(column));
    }

    private static double[] doubles(String csv) {
        return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static List<Map<String, String>> table(String name) throws IOException {
        try (InputStream in = ReferenceValuesTest.class.getResourceAsStream("/stats/" + name)) {
            assertThat(in).as(name).isNotNull();
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            String[] header = lines.getFirst().split("\t");
            List<Map<String, String>> rows = lines.stream().skip(1).map(line -> {
                String[] cells = line.split("\t");
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], cells[i]);
                }
                return row;
            }).toList();
            assertThat(rows).as(name).hasSizeGreaterThanOrEqualTo(30);
            return rows;
        }
    }
}
