package io.qaflow.testkit.fakellm;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fake's deterministic "model": what it answers and how many tokens it reports. Public so tests can compute the
 * answer they expect.
 *
 * <p>Answer rule, applied to the text of the user messages:
 * <ol>
 *   <li>The question is the last line starting with {@code Question:} (prefix removed); without such a line, the
 *       last non-blank line.</li>
 *   <li>Every other line is context: a leading {@code [n]} marker is dropped and the line is split into sentences
 *       after {@code .}, {@code !} or {@code ?} followed by white space.</li>
 *   <li>Words are lowercase runs of letters and digits, minus a short list of stop words. The answer is the context
 *       sentence sharing the most distinct words with the question, the earliest one on a tie, verbatim and with
 *       nothing added.</li>
 *   <li>When no sentence shares a word with the question the answer is {@value #NO_ANSWER}.</li>
 * </ol>
 *
 * <p>Token rule: {@code prompt_tokens = ceil(chars of all message contents / 4) + 4 per message};
 * {@code completion_tokens = max(1, ceil(chars of the answer / 4))}.
 */
public final class FakeAnswerRule {
    public static final String NO_ANSWER = "I don't know.";

    private static final Pattern QUESTION_PREFIX = Pattern.compile("^\\s*question\\s*:\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHUNK_MARKER = Pattern.compile("^\\s*\\[\\d+]\\s*");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "of", "in", "on", "at", "to", "is",
            "was", "were", "are", "be", "what", "which", "who", "whom", "when", "where", "why", "how", "did", "does",
            "do", "and", "or", "for", "by", "with", "from", "as", "that", "this", "it", "its", "context", "answer");

    private FakeAnswerRule() {}

    /** The answer to the concatenated user-message text. */
    public static String answer(String userText) {
        List<String> lines = userText.lines().toList();
        int questionLine = questionLineIndex(lines);
        if (questionLine < 0) {
            return NO_ANSWER;
        }
        Set<String> questionWords = words(QUESTION_PREFIX.matcher(lines.get(questionLine)).replaceFirst(""));
        String best = NO_ANSWER;
        int bestScore = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (i == questionLine) {
                continue;
            }
            String line = CHUNK_MARKER.matcher(lines.get(i)).replaceFirst("").strip();
            for (String sentence : SENTENCE_END.split(line)) {
                Set<String> shared = words(sentence);
                shared.retainAll(questionWords);
                if (shared.size() > bestScore) {
                    bestScore = shared.size();
                    best = sentence.strip();
                }
            }
        }
        return best;
    }

    public static int promptTokens(List<String> messageContents) {
        int chars = messageContents.stream().mapToInt(String::length).sum();
        return ceilDiv4(chars) + 4 * messageContents.size();
    }

    public static int completionTokens(String answer) {
        return Math.max(1, ceilDiv4(answer.length()));
    }

    private static int questionLineIndex(List<String> lines) {
        int lastNonBlank = -1;
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (QUESTION_PREFIX.matcher(lines.get(i)).find()) {
                return i;
            }
            if (lastNonBlank < 0 && !lines.get(i).isBlank()) {
                lastNonBlank = i;
            }
        }
        return lastNonBlank;
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        for (String token : NON_WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (!token.isEmpty() && !STOP_WORDS.contains(token)) {
                words.add(token);
            }
        }
        return words;
    }

    private static int ceilDiv4(int chars) {
        return (chars + 3) / 4;
    }
}
