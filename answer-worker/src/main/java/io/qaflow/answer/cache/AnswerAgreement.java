package io.qaflow.answer.cache;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether two answers say the same thing, by the SQuAD evaluation's token F1: both answers are normalised (lower
 * case, punctuation and the articles a/an/the removed, white space collapsed), and F1 is the harmonic mean of the
 * share of each answer's tokens found in the other (counted with multiplicity). Two answers agree at
 * F1 &ge; {@value #AGREEMENT_THRESHOLD}.
 */
public final class AnswerAgreement {
    public static final double AGREEMENT_THRESHOLD = 0.5;

    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{Punct}\\p{P}]");
    private static final Pattern ARTICLE = Pattern.compile("\\b(a|an|the)\\b");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private AnswerAgreement() {}

    public static boolean agree(String first, String second) {
        return f1(first, second) >= AGREEMENT_THRESHOLD;
    }

    /** SQuAD token F1 of the two answers, in 0..1; 1 when both normalise to nothing, 0 when only one does. */
    public static double f1(String first, String second) {
        List<String> a = tokens(first);
        List<String> b = tokens(second);
        if (a.isEmpty() || b.isEmpty()) {
            return a.equals(b) ? 1.0 : 0.0;
        }
        Map<String, Integer> counts = new HashMap<>();
        a.forEach(token -> counts.merge(token, 1, Integer::sum));
        int common = 0;
        for (String token : b) {
            Integer left = counts.get(token);
            if (left != null && left > 0) {
                counts.put(token, left - 1);
                common++;
            }
        }
        if (common == 0) {
            return 0.0;
        }
        double precision = (double) common / b.size();
        double recall = (double) common / a.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** The answer as SQuAD's {@code normalize_answer} leaves it, split on white space. */
    static List<String> tokens(String answer) {
        String text = answer == null ? "" : answer.toLowerCase(Locale.ROOT);
        text = PUNCTUATION.matcher(text).replaceAll("");
        text = ARTICLE.matcher(text).replaceAll(" ");
        text = SPACE.matcher(text).replaceAll(" ").strip();
        return text.isEmpty() ? List.of() : Arrays.asList(text.split(" "));
    }
}
