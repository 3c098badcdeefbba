package io.qaflow.answer.extractive;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Light text normalisation for lexical matching: lowercase, accents removed, split on anything that is not a letter
 * or digit, English stop words dropped, and a crude suffix stripping ("teams" and "team", "represented" and
 * "represents" meet) that is applied alike to questions and sentences, so it only has to be consistent, not
 * linguistically right.
 */
final class Terms {
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before",
            "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "during", "each",
            "else", "for", "from", "had", "has", "have", "having", "he", "her", "hers", "him", "his", "how", "i",
            "if", "in", "into", "is", "it", "its", "itself", "just", "many", "me", "more", "most", "much", "my", "no",
            "nor", "not", "of", "off", "on", "once", "one's", "only", "or", "other", "our", "out", "over", "own",
            "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then",
            "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "very",
            "was", "we", "were", "what", "whatever", "when", "where", "whereas", "which", "while", "who", "whom",
            "whose", "why", "will", "with", "within", "would", "you", "your", "s", "t", "name", "named", "called",
            "kind", "type", "year", "people");

    private Terms() {}

    /** The normalised terms of {@code text}, in order, duplicates kept. */
    static List<String> of(String text) {
        String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        List<String> terms = new ArrayList<>();
        for (String token : NON_WORD.split(folded)) {
            if (!token.isEmpty() && !STOP_WORDS.contains(token)) {
                terms.add(stem(token));
            }
        }
        return terms;
    }

    static String stem(String token) {
        if (token.length() <= 3 || Character.isDigit(token.charAt(0))) {
            return token;
        }
        String stem = stripSuffix(token);
        // "move", "moved" and "moving" all end up as "mov"
        return stem.length() > 3 && stem.endsWith("e") ? stem.substring(0, stem.length() - 1) : stem;
    }

    private static String stripSuffix(String token) {
        if (token.endsWith("ies") && token.length() > 4) {
            return token.substring(0, token.length() - 3) + "y";
        }
        if (token.endsWith("ing") && token.length() > 5) {
            return token.substring(0, token.length() - 3);
        }
        if (token.endsWith("ed") && token.length() > 4) {
            return token.substring(0, token.length() - 2);
        }
        if (token.endsWith("es") && token.length() > 4 && (token.endsWith("ses") || token.endsWith("xes")
                || token.endsWith("ches") || token.endsWith("shes"))) {
            return token.substring(0, token.length() - 2);
        }
        if (token.endsWith("s") && !token.endsWith("ss") && !token.endsWith("us") && !token.endsWith("is")) {
            return token.substring(0, token.length() - 1);
        }
        return token;
    }
}
