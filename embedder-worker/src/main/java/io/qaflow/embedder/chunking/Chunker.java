package io.qaflow.embedder.chunking;

import io.qaflow.embedder.embedding.TokenCounter;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Splits a document into chunks of at most {@code maxTokens} word-piece tokens. Paragraphs (separated by blank
 * lines) are kept whole and consecutive short ones share a chunk; a paragraph longer than the limit becomes
 * overlapping windows cut at sentence boundaries (words only when a single sentence is over the limit), each window
 * repeating up to {@code overlapTokens} tokens of whole sentences from the end of the previous one.
 */
public final class Chunker {
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\R\\s*\\R");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String PARAGRAPH_JOIN = "\n\n";

    public record Settings(int maxTokens, int overlapTokens) {
        public Settings {
            if (maxTokens < 8) {
                throw new IllegalArgumentException("maxTokens must be >= 8");
            }
            if (overlapTokens < 0 || overlapTokens >= maxTokens / 2) {
                throw new IllegalArgumentException("overlapTokens must be in 0..maxTokens/2");
            }
        }

        public static Settings defaults() {
            return new Settings(256, 50);
        }
    }

    private final TokenCounter tokens;
    private final Settings settings;

    public Chunker(TokenCounter tokens, Settings settings) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public List<Chunk> chunk(String documentId, String title, String text) {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(text, "text");
        List<String> pieces = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int pendingTokens = 0;
        for (String paragraph : PARAGRAPH_BREAK.split(text.strip())) {
            paragraph = paragraph.strip();
            if (paragraph.isEmpty()) {
                continue;
            }
            int count = tokens.count(paragraph);
            if (count > settings.maxTokens()) {
                flush(pending, pieces);
                pendingTokens = 0;
                pieces.addAll(windows(paragraph));
            } else {
                if (pendingTokens + count > settings.maxTokens()) {
                    flush(pending, pieces);
                    pendingTokens = 0;
                }
                if (!pending.isEmpty()) {
                    pending.append(PARAGRAPH_JOIN);
                }
                pending.append(paragraph);
                pendingTokens += count;
            }
        }
        flush(pending, pieces);
        List<Chunk> chunks = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            chunks.add(Chunk.of(documentId, i, title, pieces.get(i)));
        }
        return List.copyOf(chunks);
    }

    private static void flush(StringBuilder pending, List<String> pieces) {
        if (!pending.isEmpty()) {
            pieces.add(pending.toString());
            pending.setLength(0);
        }
    }

    /** Overlapping windows over the paragraph's sentences. */
    private List<String> windows(String paragraph) {
        List<String> units = new ArrayList<>();
        for (String sentence : sentences(paragraph)) {
            if (tokens.count(sentence) > settings.maxTokens()) {
                units.addAll(wordRuns(sentence));
            } else {
                units.add(sentence);
            }
        }
        int[] counts = units.stream().mapToInt(tokens::count).toArray();
        List<String> windows = new ArrayList<>();
        int start = 0;
        while (start < units.size()) {
            int end = start;
            int total = 0;
            while (end < units.size() && (end == start || total + counts[end] <= settings.maxTokens())) {
                total += counts[end++];
            }
            windows.add(String.join(" ", units.subList(start, end)));
            if (end == units.size()) {
                break;
            }
            int next = end;
            int overlap = 0;
            while (next - 1 > start && overlap + counts[next - 1] <= settings.overlapTokens()) {
                overlap += counts[--next];
            }
            start = next;
        }
        return windows;
    }

    private static List<String> sentences(String paragraph) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(paragraph);
        List<String> sentences = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String sentence = paragraph.substring(start, end).strip();
            if (!sentence.isEmpty()) {
                sentences.add(sentence);
            }
        }
        return sentences;
    }

    /** A sentence over the limit, cut into runs of whole words that fit. */
    private List<String> wordRuns(String sentence) {
        List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        int runTokens = 0;
        for (String word : WHITESPACE.split(sentence)) {
            int count = tokens.count(word);
            if (!run.isEmpty() && runTokens + count > settings.maxTokens()) {
                runs.add(run.toString());
                run.setLength(0);
                runTokens = 0;
            }
            if (!run.isEmpty()) {
                run.append(' ');
            }
            run.append(word);
            runTokens += count;
        }
        if (!run.isEmpty()) {
            runs.add(run.toString());
        }
        return runs;
    }
}
