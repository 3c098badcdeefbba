package io.qaflow.controller.report;

/** Where the report reads an experiment's per-variant statistics from (the metrics aggregator). */
public interface StatsSource {

    /** The statistics, or a warning saying why there are none; never throws for a remote failure. */
    Result stats(String experimentId);

    /** Exactly one of {@code stats} and {@code warning} is set. */
    record Result(AggregatorStats stats, String warning) {
        public static Result of(AggregatorStats stats) {
            return new Result(stats, null);
        }

        public static Result missing(String warning) {
            return new Result(null, warning);
        }
    }
}
