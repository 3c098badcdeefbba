package io.qaflow.controller.prompt;

import java.util.Comparator;

/**
 * Orders semantic versions ({@code major.minor.patch[-pre]}) by their numbers, a pre-release before its release,
 * pre-releases by their text.
 */
public final class SemanticVersions {
    public static final Comparator<String> ORDER = SemanticVersions::compare;

    private SemanticVersions() {}

    static int compare(String a, String b) {
        String[] pa = a.split("-", 2);
        String[] pb = b.split("-", 2);
        String[] na = pa[0].split("\\.");
        String[] nb = pb[0].split("\\.");
        for (int i = 0; i < Math.max(na.length, nb.length); i++) {
            int c = new java.math.BigInteger(i < na.length ? na[i] : "0")
                    .compareTo(new java.math.BigInteger(i < nb.length ? nb[i] : "0"));
            if (c != 0) {
                return c;
            }
        }
        if (pa.length != pb.length) {
            return pa.length == 1 ? 1 : -1; // 1.0.0-rc.1 < 1.0.0
        }
        return pa.length == 1 ? 0 : pa[1].compareTo(pb[1]);
    }
}
