package io.qaflow.testkit.squad;

import io.qaflow.model.kafka.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads the bundled SQuAD subsets (CC BY-SA 4.0, see resources/squad/README.md). Each paragraph becomes one
 * document with a stable id {@code <article>-p<index>}; each question knows its gold paragraph.
 */
public final class Squad {
    public static final String SUPER_BOWL_50 = "squad/squad-v1.1-dev-super-bowl-50.json";
    public static final String V2_FIVE_ARTICLES = "squad/squad-v2-dev-5-articles.json";

    private final List<Paragraph> paragraphs;
    private final List<Question> questions;

    private Squad(List<Paragraph> paragraphs, List<Question> questions) {
        this.paragraphs = List.copyOf(paragraphs);
        this.questions = List.copyOf(questions);
    }

    /** The Super_Bowl_50 article alone: qaflow's sample corpus. */
    public static Squad superBowl50() {
        return load(SUPER_BOWL_50);
    }

    /** Both subsets: 227 paragraphs. */
    public static Squad all() {
        return load(SUPER_BOWL_50, V2_FIVE_ARTICLES);
    }

    public static Squad load(String... resources) {
        List<Paragraph> paragraphs = new ArrayList<>();
        List<Question> questions = new ArrayList<>();
        for (String resource : resources) {
            JsonNode root = read(resource);
            for (JsonNode article : root.path("data")) {
                String title = article.path("title").asString();
                int index = 0;
                for (JsonNode p : article.path("paragraphs")) {
                    String documentId = title + "-p" + index++;
                    paragraphs.add(new Paragraph(documentId, title.replace('_', ' '), p.path("context").asString()));
                    for (JsonNode qa : p.path("qas")) {
                        List<String> answers = new ArrayList<>();
                        for (JsonNode a : qa.path("answers")) {
                            answers.add(a.path("text").asString());
                        }
                        questions.add(new Question(qa.path("id").asString(), qa.path("question").asString(),
                                documentId, qa.path("is_impossible").asBoolean(false), answers));
                    }
                }
            }
        }
        return new Squad(paragraphs, questions);
    }

    private static JsonNode read(String resource) {
        try (InputStream in = Squad.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Paragraph> paragraphs() {
        return paragraphs;
    }

    public List<Question> questions() {
        return questions;
    }

    /** Questions with at least one gold answer (v2's unanswerable ones excluded). */
    public List<Question> answerableQuestions() {
        return questions.stream().filter(Question::answerable).toList();
    }

    public record Paragraph(String documentId, String title, String text) {}

    public record Question(String id, String question, String goldDocumentId, boolean impossible,
                           List<String> answers) {
        public Question {
            answers = List.copyOf(answers);
        }

        public boolean answerable() {
            return !impossible && !answers.isEmpty();
        }

        /** Whether {@code text} contains one of the gold answers, compared case-insensitively. */
        public boolean isAnsweredBy(String text) {
            String haystack = text.toLowerCase(java.util.Locale.ROOT);
            return answers.stream().anyMatch(a -> haystack.contains(a.toLowerCase(java.util.Locale.ROOT)));
        }
    }
}
