/**
 * Experiment statistics on summaries (counts, means, variances), free of Kafka: fixed-horizon comparisons
 * ({@link io.qaflow.aggregator.stats.Comparison}), sample sizes ({@link io.qaflow.aggregator.stats.SampleSize}),
 * multiple-testing adjustments ({@link io.qaflow.aggregator.stats.PValueAdjustment}) and the always-valid sequential
 * test ({@link io.qaflow.aggregator.stats.MixtureSprt}). Distributions and the Welch and chi-square tests come from
 * Apache Commons Statistics. Every difference is treatment minus control.
 */
package io.qaflow.aggregator.stats;
