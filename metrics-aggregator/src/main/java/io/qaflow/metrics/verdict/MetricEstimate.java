package io.qaflow.metrics.verdict;

import io.qaflow.metrics.stats.Interval;
import io.qaflow.model.ExperimentMetric;

/**
 * The fixed-horizon comparison of one treatment with control on one metric, and the input of this look's sequential
 * step. Null means undefined.
 *
 * @param testedDifference the difference the tests are about: the absolute effect, except for P95_LATENCY where it is
 *     the difference of the shares above the control's p95
 * @param testedVariance plug-in variance of testedDifference
 * @param differenceAtMde testedDifference that corresponds to the minimum detectable effect (the scale of tau)
 * @param requiredPerArm fixed-horizon sample size per arm for 80% power at the minimum detectable effect
 */
record MetricEstimate(ExperimentMetric metric, long controlCount, long treatmentCount, Double controlValue,
                      Double treatmentValue, Double absoluteEffect, Double relativeEffect, Interval confidenceInterval,
                      Double pValue, Double testedDifference, Double testedVariance, Double differenceAtMde,
                      Long requiredPerArm) {

    long smallerCount() {
        return Math.min(controlCount, treatmentCount);
    }
}
