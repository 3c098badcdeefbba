package io.qaflow.answer.extractive;

import io.qaflow.model.SourceChunk;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The question's terms with the weight each deserves in matching. Two kinds of question term say little about
 * which sentence holds the answer, so they count less:
 * <ul>
 *   <li>answer-type words, the nouns right after "which"/"what"/"how many" ("Which NFL <em>team</em>…"): the
 *       answer sentence names the answer ("the Denver Broncos"), not its type;</li>
 *   <li>topic words that appear in the retrieved documents' titles ("Super Bowl 50" over the Super Bowl 50
 *       article): every retrieved passage is about the topic, whether or not a sentence repeats its name.</li>
 * </ul>
 */
final class QuestionTerms {
    static final double ANSWER_TYPE_WEIGHT = 0.3;
    static final double TOPIC_WEIGHT = 0.3;
    private static final int MAX_ANSWER_TYPE_WORDS = 2;
    private static final Set<String> WH_DETERMINERS = Set.of("which", "what", "whose");
    private static final Set<String> QUANTIFIERS = Set.of("many", "much");
    private static final Set<String> ENDS_ANSWER_TYPE = Set.of("is", "was", "are", "were", "be", "did", "does",
            "do", "has", "have", "had", "can", "could", "will", "would", "should", "may", "might", "of", "in", "on",
            "at", "to", "for", "by", "with", "from", "as", "that", "who", "won", "lost", "made", "took", "gave",
            "got", "became", "led", "held", "began", "came", "went", "met", "paid", "beat", "left", "built",
            "wrote", "said", "sent", "brought", "found", "sold", "ran", "saw", "won't", "the", "a", "an");

    private QuestionTerms() {}

    static Map<String, Double> weights(String question, List<SourceChunk> chunks) {
        Set<String> answerType = answerTypeTerms(question);
        Set<String> topic = new HashSet<>();
        for (SourceChunk chunk : chunks) {
            topic.addAll(Terms.of(chunk.title()));
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String term : Terms.of(question)) {
            double weight = 1.0;
            if (answerType.contains(term)) {
                weight = Math.min(weight, ANSWER_TYPE_WEIGHT);
            }
            if (topic.contains(term)) {
                weight = Math.min(weight, TOPIC_WEIGHT);
            }
            weights.put(term, weight);
        }
        return weights;
    }

    static Set<String> answerTypeTerms(String question) {
        String[] words = question.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+");
        Set<String> terms = new HashSet<>();
        for (int i = 0; i < words.length; i++) {
            boolean wh = WH_DETERMINERS.contains(words[i]);
            boolean howMany = "how".equals(words[i]) && i + 1 < words.length && QUANTIFIERS.contains(words[i + 1]);
            if (!wh && !howMany) {
                continue;
            }
            int j = howMany ? i + 2 : i + 1;
            for (int taken = 0; j < words.length && taken < MAX_ANSWER_TYPE_WORDS; j++, taken++) {
                String word = words[j];
                if (word.isEmpty() || ENDS_ANSWER_TYPE.contains(word) || (word.length() > 4 && word.endsWith("ed"))) {
                    break;
                }
                terms.addAll(Terms.of(word));
            }
            break;
        }
        return terms;
    }
}
