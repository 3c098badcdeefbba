#!/usr/bin/env python3
"""Reference values for io.qaflow.metrics.stats, computed with SciPy.

Writes src/test/resources/stats/reference.tsv (one seeded case per row) and adjustments.tsv (Holm and
Benjamini-Hochberg). Run from metrics-aggregator/:  python3 src/test/python/reference_stats.py
The Java test ReferenceValuesTest reads the committed tables; it never runs this script.
"""
import math
import os

import numpy as np
from scipy import stats

SEED = 20240601
CASES = 40
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "stats")
TAU2 = 0.0064
ALPHA = 0.05


def fmt(x):
    return repr(float(x)) if not isinstance(x, str) else x


def welch(c_n, c_mean, c_var, t_n, t_mean, t_var):
    res = stats.ttest_ind_from_stats(t_mean, math.sqrt(t_var), t_n, c_mean, math.sqrt(c_var), c_n, equal_var=False)
    a, b = c_var / c_n, t_var / t_n
    df = (a + b) ** 2 / (a * a / (c_n - 1) + b * b / (t_n - 1))
    half = stats.t.ppf(0.975, df) * math.sqrt(a + b)
    diff = t_mean - c_mean
    return [res.statistic, df, res.pvalue, diff - half, diff + half]


def two_proportions(c_n, c_x, t_n, t_x):
    p1, p2 = c_x / c_n, t_x / t_n
    pooled = (c_x + t_x) / (c_n + t_n)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / c_n + 1 / t_n))
    chi2 = stats.chi2_contingency([[c_x, c_n - c_x], [t_x, t_n - t_x]], correction=False)
    assert abs(chi2.statistic - z * z) <= 1e-9 * z * z  # the pooled z test is the 2x2 chi-square test
    p = 2 * stats.norm.sf(abs(z))
    half = stats.norm.ppf(0.975) * math.sqrt(p1 * (1 - p1) / c_n + p2 * (1 - p2) / t_n)
    return [z, p, p2 - p1 - half, p2 - p1 + half]


def srm(observed, weights):
    w = np.asarray(weights, dtype=float)
    expected = w / w.sum() * sum(observed)
    return stats.chisquare(observed, f_exp=expected).pvalue


def sample_sizes(baseline, effect, sd, mean_effect):
    m = (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) ** 2
    q = baseline + effect
    return [math.ceil(m * (baseline * (1 - baseline) + q * (1 - q)) / effect ** 2),
            math.ceil(m * 2 * sd * sd / mean_effect ** 2)]


def msprt(diff, v):
    total = v + TAU2
    log_lambda = 0.5 * math.log(v / total) + TAU2 * diff * diff / (2 * v * total)
    half = math.sqrt(v * total / TAU2 * (math.log(total / v) - 2 * math.log(ALPHA)))
    return [log_lambda, half]


def main():
    rng = np.random.default_rng(SEED)
    header = ["case", "c_n", "c_mean", "c_var", "t_n", "t_mean", "t_var",
              "welch_t", "welch_df", "welch_p", "welch_ci_low", "welch_ci_high",
              "pc_n", "pc_x", "pt_n", "pt_x", "z", "z_p", "z_ci_low", "z_ci_high",
              "srm_observed", "srm_weights", "srm_p",
              "ss_baseline", "ss_effect", "ss_prop_per_arm", "ss_sd", "ss_mean_effect", "ss_mean_per_arm",
              "msprt_log_lambda", "msprt_half_width"]
    rows = []
    for case in range(CASES):
        c_n, t_n = int(rng.integers(2, 5000)), int(rng.integers(2, 5000))
        c_mean = float(rng.uniform(0.1, 5))
        t_mean = c_mean + float(rng.normal(0, 0.3))
        c_var, t_var = float(rng.uniform(0.05, 4)), float(rng.uniform(0.05, 4))
        pc_n, pt_n = int(rng.integers(50, 20000)), int(rng.integers(50, 20000))
        rate = float(rng.uniform(0.05, 0.95))
        pc_x = int(rng.binomial(pc_n, rate))
        pt_x = int(rng.binomial(pt_n, min(0.99, rate * (1 + rng.uniform(-0.05, 0.05)))))
        arms = int(rng.integers(2, 5))
        weights = [int(w) for w in rng.integers(1, 5, arms)]
        total = int(rng.integers(100, 100000))
        observed = [int(o) for o in rng.multinomial(total, np.asarray(weights) / sum(weights) * 0.98
                                                     + 0.02 / arms)]
        baseline = float(rng.uniform(0.05, 0.9))
        effect = float(rng.uniform(0.005, 0.05)) * (1 if rng.random() < 0.7 else -1)
        sd, mean_effect = float(rng.uniform(0.1, 10)), float(rng.uniform(0.01, 2))
        p1, p2 = pc_x / pc_n, pt_x / pt_n
        v = p1 * (1 - p1) / pc_n + p2 * (1 - p2) / pt_n
        rows.append([case, c_n, c_mean, c_var, t_n, t_mean, t_var]
                    + welch(c_n, c_mean, c_var, t_n, t_mean, t_var)
                    + [pc_n, pc_x, pt_n, pt_x] + two_proportions(pc_n, pc_x, pt_n, pt_x)
                    + [",".join(map(str, observed)), ",".join(map(str, weights)), srm(observed, weights)]
                    + [baseline, effect, 0, sd, mean_effect, 0]
                    + msprt(p2 - p1, v))
        rows[-1][header.index("ss_prop_per_arm")], rows[-1][header.index("ss_mean_per_arm")] = \
            sample_sizes(baseline, effect, sd, mean_effect)
    with open(os.path.join(OUT, "reference.tsv"), "w") as out:
        out.write("\t".join(header) + "\n")
        for row in rows:
            out.write("\t".join(str(x) if isinstance(x, (int, str)) else fmt(x) for x in row) + "\n")

    with open(os.path.join(OUT, "adjustments.tsv"), "w") as out:
        out.write("case\tp_values\tholm\tbenjamini_hochberg\n")
        for case in range(CASES):
            m = int(rng.integers(1, 12))
            ps = np.concatenate([rng.uniform(0, 1, m), rng.uniform(0, 0.01, int(rng.integers(0, 3)))])
            ps = np.round(ps, 6)  # ties sometimes
            order = np.argsort(ps, kind="stable")
            holm = np.empty_like(ps)
            running = 0.0
            for rank, i in enumerate(order):
                running = max(running, min(1.0, (len(ps) - rank) * ps[i]))
                holm[i] = running
            bh = stats.false_discovery_control(ps, method="bh")
            out.write("\t".join([str(case)] + [",".join(fmt(x) for x in a) for a in (ps, holm, bh)]) + "\n")


if __name__ == "__main__":
    main()
