package io.qaflow.controller.prompt;

import java.util.regex.Pattern;

/**
 * A rough token count of a prompt's fixed text, for cost estimates without a tokenizer: about 4 characters per
 * token (what BPE tokenizers average on English), and never fewer tokens than words. Placeholders are left out (what
 * they become is counted per request), so is surrounding whitespace. Each message is estimated on its own and the two
 * are added.
 */
public final class TokenEstimate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*[a-zA-Z][a-zA-Z0-9_]*\\s*}}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private TokenEstimate() {}

    public static int of(String system, String user) {
        return ofMessage(system) + ofMessage(user);
    }

    static int ofMessage(String text) {
        if (text == null) {
            return 0;
        }
        String fixed = WHITESPACE.matcher(PLACEHOLDER.matcher(text).replaceAll(" ")).replaceAll(" ").strip();
        if (fixed.isEmpty()) {
            return 0;
        }
        int words = fixed.split(" ").length;
        int byCharacters = (fixed.length() + 3) / 4;
        return Math.max(words, byCharacters);
    }
}
