package io.qaflow.local.bench;

import io.qaflow.local.LocalStack;
import io.qaflow.local.LocalStackSettings;
import io.qaflow.model.kafka.Json;
import io.qaflow.testkit.squad.Paraphrases;
import io.qaflow.testkit.squad.Squad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./qaflow bench semantic [other questions]}: the semantic cache on the whole local stack with every semantic
 * hit re-answered ({@code verify-sample=1}), so each hit is also an agreement check. Asks each SQuAD question of the
 * paraphrase file (caching its answer), then its paraphrase; then other SQuAD questions never asked before. Prints
 * how many paraphrases hit, how many unrelated questions hit, and the agreement counts of the answer worker.
 */
public final class SemanticAgreementReport {
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    private SemanticAgreementReport() {}

    public static void main(String[] args) throws Exception {
        int others = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        LocalStackSettings settings = LocalStackSettings.forTests(Files.createTempDirectory("qaflow-semantic"))
                .withServiceProperties(Map.of("qaflow.cache.semantic.verify-sample", 1.0));
        try (LocalStack stack = LocalStack.start(settings, line -> System.out.println("[stack] " + line));
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Squad squad = Squad.all();
            ingest(http, stack, squad.paragraphs());
            List<Paraphrases.Pair> pairs = Paraphrases.load().pairs();
            Set<String> asked = new HashSet<>();
            for (Paraphrases.Pair pair : pairs) {
                ask(http, stack, pair.original());
                awaitCached(http, stack, pair.original());
                asked.add(pair.original());
            }
            double before = verifyCount(http, stack);
            for (Paraphrases.Pair pair : pairs) {
                ask(http, stack, pair.paraphrase());
                asked.add(pair.paraphrase());
            }
            double paraphraseHits = verifyCount(http, stack) - before;
            int otherAsked = 0;
            for (Squad.Question question : squad.questions()) {
                if (otherAsked == others) {
                    break;
                }
                if (asked.add(question.question())) {
                    ask(http, stack, question.question());
                    otherAsked++;
                }
            }
            double otherHits = verifyCount(http, stack) - before - paraphraseHits;
            Thread.sleep(2_000);
            Map<String, Double> verifications = samples(http, stack.answerWorkerUrl(),
                    "qa_cache_semantic_verifications_total", "result");
            double agree = verifications.getOrDefault("agree", 0.0);
            double disagree = verifications.getOrDefault("disagree", 0.0);
            System.out.printf("semantic cache at the default threshold: %d of %d paraphrases hit (%.1f%%)%n",
                    (long) paraphraseHits, pairs.size(), 100 * paraphraseHits / pairs.size());
            System.out.printf("unrelated questions (other SQuAD questions, asked after them) that hit: %d of %d%n",
                    (long) otherHits, otherAsked);
            System.out.printf("agreement of re-answered semantic hits: %d agree, %d disagree, %s missing -> "
                            + "agreement rate %.3f%n", (long) agree, (long) disagree,
                    verifications.getOrDefault("missing", 0.0).longValue(),
                    agree + disagree == 0 ? Double.NaN : agree / (agree + disagree));
        }
    }

    private static double verifyCount(HttpClient http, LocalStack stack) throws Exception {
        return samples(http, stack.embedderUrl(), "qa_embedder_questions_total", "outcome")
                .getOrDefault("semantic_verify", 0.0);
    }

    /** The samples of one counter from /actuator/prometheus, by the value of {@code tag}. */
    private static Map<String, Double> samples(HttpClient http, URI service, String metric, String tag)
            throws Exception {
        String text = http.send(HttpRequest.newBuilder(service.resolve("/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> values = new java.util.HashMap<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(metric)) {
                Matcher label = Pattern.compile(tag + "=\"([^\"]*)\"").matcher(m.group(2));
                if (label.find()) {
                    values.merge(label.group(1), Double.parseDouble(m.group(3)), Double::sum);
                }
            }
        }
        return values;
    }

    private static String ask(HttpClient http, LocalStack stack, String question) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(stack.gatewayUrl().resolve("/v1/ask"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(
                        Map.of("question", question, "timeoutMs", 30_000)))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ask answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static void awaitCached(HttpClient http, LocalStack stack, String question) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ask(http, stack, question).contains("\"cached\":true")) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("not cached after 10 s: " + question);
            }
            Thread.sleep(50);
        }
    }

    private static void ingest(HttpClient http, LocalStack stack, List<Squad.Paragraph> paragraphs)
            throws Exception {
        for (Squad.Paragraph p : paragraphs) {
            http.send(HttpRequest.newBuilder(stack.gatewayUrl().resolve("/v1/documents"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(Map.of(
                            "id", p.documentId(), "title", p.title(), "text", p.text())))).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        URI index = stack.embedderUrl().resolve("/v1/index");
        while (!http.send(HttpRequest.newBuilder(index).GET().build(), HttpResponse.BodyHandlers.ofString()).body()
                .contains("\"documents\":" + paragraphs.size())) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("corpus not indexed in 5 minutes");
            }
            Thread.sleep(300);
        }
    }
}
