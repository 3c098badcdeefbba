package io.qaflow.metrics.verdict;

import io.qaflow.model.ExperimentMetric;
import io.qaflow.model.ExperimentVerdict.MetricVerdict;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The one-sentence reasons of the decisions, with the figures behind them. */
final class Reasons {

    private Reasons() {
    }

    static String srm(Map<String, Long> observed, Map<String, Double> expected, double pValue, double threshold) {
        String shares = expected.entrySet().stream()
                .map(e -> e.getKey() + " " + format("%.1f%%", 100 * e.getValue())).collect(Collectors.joining(", "));
        return format("Sample-ratio mismatch: requests %s against the configured %s, chi-square p = %.3g < %.3g; "
                + "assignment or logging is broken and no comparison can be trusted.", observed, shares, pValue,
                threshold);
    }

    static String guardrail(MetricVerdict metric, double alpha) {
        return format("Guardrail on %s breached: %s against %s for control (%s, tolerated %s), always-valid p %.3g "
                        + "(Holm) < %.3g.", name(metric.metric()), value(metric.metric(), metric.treatmentValue()),
                value(metric.metric(), metric.controlValue()), signed(metric.metric(), metric.absoluteEffect()),
                value(metric.metric(), metric.guardrailThreshold()), metric.adjustedSequentialPValue(), alpha);
    }

    static String tooFew(MetricVerdict primary, long minimumPerArm) {
        return format("%s has %d control and %d treatment observations, below the minimum of %d per arm.",
                name(primary.metric()), primary.controlCount(), primary.treatmentCount(), minimumPerArm);
    }

    static String significant(MetricVerdict primary, double alpha) {
        return format("%s %s against %s for control (%s%s), always-valid p %.3g (Holm) < %.3g.",
                name(primary.metric()), value(primary.metric(), primary.treatmentValue()),
                value(primary.metric(), primary.controlValue()), signed(primary.metric(), primary.absoluteEffect()),
                relative(primary.relativeEffect()), primary.adjustedSequentialPValue(), alpha);
    }

    static String noDifference(MetricVerdict primary, double mde, double alpha) {
        return format("%s %s against %s for control (%s%s), always-valid p %s (Holm) not below %.3g, with the %d per "
                        + "arm needed for a %s effect reached.", name(primary.metric()),
                value(primary.metric(), primary.treatmentValue()), value(primary.metric(), primary.controlValue()),
                signed(primary.metric(), primary.absoluteEffect()), relative(primary.relativeEffect()),
                probability(primary.adjustedSequentialPValue()), alpha,
                Math.min(primary.controlCount(), primary.treatmentCount()), percent(mde));
    }

    static String notYet(MetricVerdict primary, double mde, double alpha) {
        String needed = primary.remainingSampleSizePerArm() == null
                ? format("the sample size for a %s effect is undefined at this control value", percent(mde))
                : format("%d more per arm are needed for a %s effect", primary.remainingSampleSizePerArm(),
                        percent(mde));
        return format("%s %s against %s for control, always-valid p %s (Holm) not below %.3g, and %s.",
                name(primary.metric()), value(primary.metric(), primary.treatmentValue()),
                value(primary.metric(), primary.controlValue()), probability(primary.adjustedSequentialPValue()),
                alpha, needed);
    }

    private static String name(ExperimentMetric metric) {
        return metric.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String value(ExperimentMetric metric, Double value) {
        if (value == null) {
            return "n/a";
        }
        return switch (metric) {
            case MEAN_LATENCY, P95_LATENCY -> format("%.1f ms", value);
            case COST_PER_REQUEST -> format("%.3g USD", value);
            default -> format("%.4f", value);
        };
    }

    private static String signed(ExperimentMetric metric, Double difference) {
        if (difference == null) {
            return "n/a";
        }
        return (difference >= 0 ? "+" : "-") + value(metric, Math.abs(difference));
    }

    private static String relative(Double relative) {
        return relative == null ? "" : format(", %+.1f%%", 100 * relative);
    }

    private static String percent(double fraction) {
        return new java.math.BigDecimal(format("%.4g", 100 * fraction)).stripTrailingZeros().toPlainString() + "%";
    }

    private static String probability(Double p) {
        return p == null ? "n/a" : format("%.3g", p);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
