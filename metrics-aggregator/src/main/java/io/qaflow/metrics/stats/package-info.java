/**
 * Experiment statistics on summaries (counts, means, variances), free of Kafka: fixed-horizon comparisons
 * ({@link io.qaflow.metrics.stats.Comparison}), sample sizes ({@link io.qaflow.metrics.stats.SampleSize}),
 * multiple-testing adjustments ({@link io.qaflow.metrics.stats.PValueAdjustment}) and the always-valid sequential
 * test ({@link io.qaflow.metrics.stats.MixtureSprt}). Distributions and the Welch and chi-square tests come from
 * Apache Commons Statistics. Every difference is treatment minus control.
 */
package io.qaflow.metrics.stats;
