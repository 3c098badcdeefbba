package io.qaflow.metrics.stats;

/** A closed interval; infinite bounds when nothing is known yet. */
public record Interval(double lower, double upper) {

    public static final Interval UNBOUNDED = new Interval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    public static Interval around(double centre, double halfWidth) {
        return new Interval(centre - halfWidth, centre + halfWidth);
    }

    public boolean contains(double value) {
        return lower <= value && value <= upper;
    }

    public Interval intersect(Interval other) {
        return new Interval(Math.max(lower, other.lower), Math.min(upper, other.upper));
    }
}
