/**
 * The experiment verdict: every treatment compared with the control on every
 * {@link io.qaflow.model.ExperimentMetric}, from cumulative per-variant summaries ({@link
 * io.qaflow.metrics.verdict.ArmSummary}), with the fixed-horizon and always-valid tests of the
 * {@link io.qaflow.metrics.stats} package, Holm-adjusted across treatments x metrics, and a decision per treatment
 * ({@link io.qaflow.metrics.verdict.VerdictCalculator}). Pure Java, free of Kafka.
 */
package io.qaflow.metrics.verdict;
