package io.qaflow.embedder.retrieval;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Lower-cased, accent-folded alphanumeric terms without English stop words, plus a light plural folding. */
final class LexicalTokens {
    private static final Pattern NON_ALNUM = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for", "from",
            "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "many",
            "much", "of", "on", "or", "she", "so", "such", "than", "that", "the", "their", "them", "then", "there",
            "these", "they", "this", "to", "was", "were", "what", "when", "where", "which", "who", "whom", "whose",
            "why", "will", "with", "would", "you");

    private LexicalTokens() {}

    static List<String> of(String text) {
        String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        List<String> terms = new ArrayList<>();
        for (String term : NON_ALNUM.split(folded)) {
            if (!term.isEmpty() && !STOP_WORDS.contains(term)) {
                terms.add(stem(term));
            }
        }
        return terms;
    }

    private static String stem(String term) {
        if (term.length() > 4 && term.endsWith("ies")) {
            return term.substring(0, term.length() - 3) + "y";
        }
        if (term.length() > 3 && term.endsWith("s") && !term.endsWith("ss") && !term.endsWith("us")) {
            return term.substring(0, term.length() - 1);
        }
        return term;
    }
}
