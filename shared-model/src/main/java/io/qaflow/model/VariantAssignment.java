package io.qaflow.model;

import static io.qaflow.model.Require.notBlank;
import static io.qaflow.model.Require.notNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Sticky assignment of a unit (a user id, or a request id for anonymous requests) to an arm of an experiment. The
 * unit's position is a pure function of the experiment id and the unit: the first 8 bytes of
 * {@code SHA-256(experimentId + '\0' + unit)} (UTF-8) as an unsigned fraction in [0, 1). The arm is the first whose
 * cumulative weight share, in the order of {@link ExperimentState#variants()}, lies above the position. So every JVM
 * and every replica assigns a unit alike, a unit keeps its arm for as long as the experiment's arms and weights stay
 * the same, and the experiment id in the hash makes assignments in different experiments independent.
 */
public final class VariantAssignment {
    private static final double TWO_TO_THE_MINUS_53 = 0x1.0p-53;

    private VariantAssignment() {}

    /** The arm of {@code experiment} that {@code unit} belongs to. */
    public static ExperimentState.Arm assign(ExperimentState experiment, String unit) {
        notNull(experiment, "experiment");
        double target = position(experiment.experimentId(), unit)
                * experiment.variants().stream().mapToDouble(ExperimentState.Arm::weight).sum();
        double cumulative = 0;
        for (ExperimentState.Arm arm : experiment.variants()) {
            cumulative += arm.weight();
            if (target < cumulative) {
                return arm;
            }
        }
        // only reachable through rounding of the cumulative sum just below the total
        return experiment.variants().getLast();
    }

    /** The unit's place in [0, 1) within the experiment; uniform over units, independent across experiments. */
    public static double position(String experimentId, String unit) {
        notBlank(experimentId, "experimentId");
        notNull(unit, "unit");
        byte[] digest = sha256().digest((experimentId + '\0' + unit).getBytes(StandardCharsets.UTF_8));
        long first8 = 0;
        for (int i = 0; i < 8; i++) {
            first8 = (first8 << 8) | (digest[i] & 0xFF);
        }
        // the top 53 bits, all a double holds exactly: a fraction in [0, 1) that never rounds up to 1
        return (first8 >>> 11) * TWO_TO_THE_MINUS_53;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
