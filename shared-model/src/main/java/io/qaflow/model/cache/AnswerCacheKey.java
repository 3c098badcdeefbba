package io.qaflow.model.cache;

import io.qaflow.model.Variant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an answer depends on, as a cache key: the normalised question, the corpus version it was retrieved from, the
 * prompt (name and version), the model that answered, its temperature when a variant sets one, and topK. A new corpus
 * or prompt version gives new keys, so old entries become unreachable by construction and nothing ever needs
 * invalidating.
 *
 * @param model the model that actually answers (never {@link Variant#AUTO_MODEL})
 * @param temperature the variant's temperature; null (the answer workers' setting) leaves the key as it was before
 *     variants could set one
 */
public record AnswerCacheKey(String normalizedQuestion, String corpusVersion, String promptName, String promptVersion,
                             String model, int topK, Double temperature) {
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    public AnswerCacheKey {
        Objects.requireNonNull(normalizedQuestion, "normalizedQuestion");
        Objects.requireNonNull(corpusVersion, "corpusVersion");
        Objects.requireNonNull(promptName, "promptName");
        Objects.requireNonNull(promptVersion, "promptVersion");
        Objects.requireNonNull(model, "model");
        if (Variant.AUTO_MODEL.equals(model)) {
            throw new IllegalArgumentException("the key needs the model that answers, not '" + model + "'");
        }
    }

    public AnswerCacheKey(String normalizedQuestion, String corpusVersion, String promptName, String promptVersion,
                          String model, int topK) {
        this(normalizedQuestion, corpusVersion, promptName, promptVersion, model, topK, null);
    }

    /** @param model the model that answers: the variant's, or the answer workers' default when it says auto */
    public static AnswerCacheKey of(String question, String corpusVersion, Variant variant, String model) {
        return new AnswerCacheKey(normalize(question), corpusVersion, variant.promptName(), variant.promptVersion(),
                model, variant.topK(), variant.temperature());
    }

    /**
     * Case, Unicode compatibility forms, punctuation and spacing removed: "What is the Super Bowl?" and
     * "what  is the super bowl" are the same question.
     */
    public static String normalize(String question) {
        String folded = Normalizer.normalize(question, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return NOT_WORD.matcher(folded).replaceAll(" ").strip();
    }

    /** A stable digest of the question and its context: the identity of the cached answer. */
    public String digest() {
        return digestOf(normalizedQuestion, context());
    }

    /** Everything but the question: the answers to all questions under one context are comparable. */
    public String context() {
        String context = String.join("\u0000", corpusVersion, promptName, promptVersion, model, Integer.toString(topK));
        return temperature == null ? context : context + "\u0000t=" + temperature;
    }

    /** A short stable digest of the context, for key names. */
    public String contextDigest() {
        return digestOf(context());
    }

    public AnswerCacheKey withQuestion(String otherNormalizedQuestion) {
        return new AnswerCacheKey(otherNormalizedQuestion, corpusVersion, promptName, promptVersion, model, topK,
                temperature);
    }

    /** A short stable digest (128 bits, hex) of the parts, for key names. */
    public static String digestOf(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
