package io.qaflow.answer.extractive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits prose into sentences at {@code .}, {@code !} or {@code ?} (with any closing quotes or brackets) followed
 * by white space and a capital, digit or opening quote, except after common abbreviations and single initials
 * ("U.S.", "Dr.", "J. Smith").
 */
final class SentenceSplitter {
    private static final Pattern BOUNDARY = Pattern.compile("[.!?]+[\"'”’)\\]]*\\s+(?=[\\p{Lu}\\p{N}\"'“‘(\\[])");
    private static final Pattern LAST_WORD = Pattern.compile("([\\p{L}.]+)[.!?]+[\"'”’)\\]]*\\s+$");
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt",
            "vs", "etc", "inc", "ltd", "co", "corp", "no", "vol", "fig", "gen", "gov", "sen", "rep", "lt", "col",
            "capt", "sgt", "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
            "sep", "sept", "oct", "nov", "dec", "approx", "ca");

    private SentenceSplitter() {}

    static List<String> split(String text) {
        String normalised = text.replaceAll("\\s+", " ").strip();
        List<String> sentences = new ArrayList<>();
        if (normalised.isEmpty()) {
            return sentences;
        }
        Matcher m = BOUNDARY.matcher(normalised);
        int start = 0;
        while (m.find()) {
            if (isAbbreviation(normalised.substring(start, m.end()))) {
                continue;
            }
            add(sentences, normalised.substring(start, m.end()));
            start = m.end();
        }
        add(sentences, normalised.substring(start));
        return sentences;
    }

    private static boolean isAbbreviation(String sentenceSoFar) {
        Matcher last = LAST_WORD.matcher(sentenceSoFar);
        if (!last.find()) {
            return false;
        }
        String word = last.group(1).toLowerCase(Locale.ROOT);
        if (word.endsWith(".")) {
            word = word.substring(0, word.length() - 1);
        }
        return ABBREVIATIONS.contains(word) || (word.length() == 1 && Character.isLetter(word.charAt(0))
                && Character.isUpperCase(last.group(1).charAt(0)));
    }

    private static void add(List<String> sentences, String sentence) {
        String s = sentence.strip();
        if (!s.isEmpty()) {
            sentences.add(s);
        }
    }
}
