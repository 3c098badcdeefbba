package io.qaflow.testkit.fakellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FakeOpenAiServerTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROMPT = "Context:\\n[1] Paris is the capital of France. Berlin is the capital of "
            + "Germany.\\n\\nQuestion: What is the capital of Germany?";
    private static final String ANSWER = "Berlin is the capital of Germany.";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FakeOpenAiServer fake;

    @BeforeEach
    void start() {
        fake = FakeOpenAiServer.start();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void answersAChatCompletionWithTheRuleAnswerAndUsage() throws Exception {
        HttpResponse<String> response = chat(body(false, false));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.path("object").asString()).isEqualTo("chat.completion");
        assertThat(json.path("id").asString()).startsWith("chatcmpl-");
        assertThat(json.path("model").asString()).isEqualTo("my-model");
        assertThat(json.path("choices").get(0).path("message").path("role").asString()).isEqualTo("assistant");
        assertThat(json.path("choices").get(0).path("message").path("content").asString()).isEqualTo(ANSWER);
        assertThat(json.path("choices").get(0).path("finish_reason").asString()).isEqualTo("stop");
        JsonNode usage = json.path("usage");
        int expectedPrompt = FakeAnswerRule.promptTokens(List.of("Answer from the context.",
                PROMPT.replace("\\n", "\n")));
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(expectedPrompt);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(FakeAnswerRule.completionTokens(ANSWER));
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(expectedPrompt + FakeAnswerRule.completionTokens(ANSWER));
        assertThat(fake.stats().succeeded()).isEqualTo(1);
    }

    @Test
    void streamsChunksThatAddUpToTheAnswerThenUsageThenDone() throws Exception {
        HttpResponse<String> response = chat(body(true, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> data = response.body().lines().filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6)).toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(JSON::readTree).toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asString()).isEqualTo("chat.completion.chunk"));
        StringBuilder content = new StringBuilder();
        for (JsonNode chunk : chunks) {
            for (JsonNode choice : chunk.path("choices")) {
                content.append(choice.path("delta").path("content").asString(""));
            }
        }
        assertThat(content.toString()).isEqualTo(ANSWER);
        assertThat(chunks.getFirst().path("choices").get(0).path("delta").path("role").asString())
                .isEqualTo("assistant");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.path("choices").get(0).path("finish_reason").asString()).isEqualTo("stop");
        JsonNode usageChunk = chunks.getLast();
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt())
                .isEqualTo(FakeAnswerRule.completionTokens(ANSWER));
        assertThat(fake.stats().streamed()).isEqualTo(1);
    }

    @Test
    void streamsWithoutAUsageChunkUnlessAskedFor() throws Exception {
        HttpResponse<String> response = chat(body(true, false));

        List<String> data = response.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(data.getLast()).isEqualTo("data: [DONE]");
        assertThat(data).noneMatch(l -> l.contains("\"usage\""));
    }

    @Test
    void listsItsModel() throws Exception {
        fake.update(c -> c.withModel("tiny-model"));

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/models"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("data").get(0).path("id").asString()).isEqualTo("tiny-model");
        assertThat(fake.stats().modelsListed()).isEqualTo(1);
    }

    @Test
    void injects429WithRetryAfterInOpenAiErrorShape() throws Exception {
        fake.configure(fake.config().withErrors(1.0, 429).withRetryAfter(Duration.ofSeconds(3)));

        HttpResponse<String> response = chat(body(false, false));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("3");
        assertThat(JSON.readTree(response.body()).path("error").path("type").asString())
                .isEqualTo("rate_limit_exceeded");
        assertThat(fake.stats().failed()).isEqualTo(1);
    }

    @Test
    void injects500And503() throws Exception {
        fake.configure(fake.config().withErrors(1.0, 500));
        assertThat(chat(body(false, false)).statusCode()).isEqualTo(500);

        fake.configure(fake.config().withErrors(1.0, 503));
        HttpResponse<String> unavailable = chat(body(true, true));
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("retry-after")).hasValue("1");
    }

    @Test
    void errorRateFollowsADeterministicPattern() throws Exception {
        fake.configure(fake.config().withErrors(0.5, 500));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(chat(body(false, false)).statusCode());
        }

        assertThat(statuses).containsExactly(200, 500, 200, 500, 200, 500);
        assertThat(fake.stats().failed()).isEqualTo(3);
        assertThat(fake.stats().succeeded()).isEqualTo(3);
    }

    @Test
    void aModelsErrorRateFailsOnlyCallsNamingThatModel() throws Exception {
        fake.failModel("bad-model", 0.5);

        List<Integer> bad = new ArrayList<>();
        List<Integer> good = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bad.add(chat(body(false, false).replace("my-model", "bad-model")).statusCode());
            good.add(chat(body(false, false)).statusCode());
        }
        fake.failModel("bad-model", 0);

        assertThat(bad).containsExactly(200, 500, 200, 500);
        assertThat(good).containsOnly(200);
        assertThat(chat(body(false, false).replace("my-model", "bad-model")).statusCode()).isEqualTo(200);
    }

    @Test
    void failNextFailsExactlyThatManyCalls() throws Exception {
        fake.configure(fake.config().withErrorStatus(503));
        fake.failNext(2);

        assertThat(chat(body(false, false)).statusCode()).isEqualTo(503);
        assertThat(chat(body(false, false)).statusCode()).isEqualTo(503);
        assertThat(chat(body(false, false)).statusCode()).isEqualTo(200);
        assertThat(fake.calls()).extracting(FakeLlmCall::status).containsExactly(503, 503, 200);
    }

    @Test
    void delaysResponsesByTheConfiguredLatency() throws Exception {
        fake.configure(fake.config().withLatency(Duration.ofMillis(300)));

        long start = System.nanoTime();
        assertThat(chat(body(false, false)).statusCode()).isEqualTo(200);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aHungCallIsNeverAnsweredBeforeTheHangTimeout() throws Exception {
        fake.configure(fake.config().withHang(true));

        HttpRequest request = chatRequest(body(false, false)).timeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(fake.stats().hung()).isEqualTo(1);
        assertThat(fake.stats().succeeded()).isZero();
    }

    @Test
    void aHungCallEndsWith504AfterTheHangTimeout() throws Exception {
        fake.configure(fake.config().withHang(true).withHangTimeout(Duration.ofMillis(200)));

        assertThat(chat(body(false, false)).statusCode()).isEqualTo(504);
    }

    @Test
    void aStalledBodySendsHeadersThenWithholdsTheRestUntilTheHangTimeout() throws Exception {
        post("/_fake/config", "{\"stallBody\":true,\"hangTimeoutMs\":60000}");
        assertThat(fake.config().stallBody()).isTrue();

        HttpResponse<java.io.InputStream> response = http.send(chatRequest(body(false, false))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).as("headers arrive at once").isEqualTo(200);
        try (java.io.InputStream body = response.body()) {
            assertThat(new String(body.readNBytes(6), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"id\":");
            var rest = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return body.read();
                } catch (IOException e) {
                    return -2;
                }
            });
            assertThatThrownBy(() -> rest.get(500, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .as("the rest of the body is withheld").isInstanceOf(java.util.concurrent.TimeoutException.class);
        }
        assertThat(fake.stats().hung()).isEqualTo(1);
    }

    @Test
    void handlesManyCallsAtOnce() throws Exception {
        fake.configure(fake.config().withLatency(Duration.ofMillis(500)));
        int calls = 80;

        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                statuses.add(pool.submit(() -> chat(body(false, false)).statusCode()));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isEqualTo(200);
            }
        }

        assertThat(fake.stats().maxInFlight()).isGreaterThanOrEqualTo(calls / 2);
        // serially these would take 40 s
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(fake.stats().inFlight()).isZero();
    }

    @Test
    void configEndpointReadsAndPatchesTheConfig() throws Exception {
        HttpResponse<String> patched = post("/_fake/config",
                "{\"latencyMs\":25,\"errorRate\":1.0,\"errorStatus\":429,\"retryAfterSeconds\":2}");

        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(fake.config().latency()).isEqualTo(Duration.ofMillis(25));
        assertThat(fake.config().errorStatus()).isEqualTo(429);
        assertThat(fake.config().retryAfter()).isEqualTo(Duration.ofSeconds(2));
        JsonNode read = JSON.readTree(http.send(HttpRequest.newBuilder(fake.uri("/_fake/config")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(read.path("errorRate").asDouble()).isEqualTo(1.0);
        assertThat(read.path("hang").asBoolean()).isFalse();
        assertThat(chat(body(false, false)).statusCode()).isEqualTo(429);

        post("/_fake/config", "{\"errorRate\":0}");
        assertThat(chat(body(false, false)).statusCode()).isEqualTo(200);
    }

    @Test
    void configEndpointSetsFailNext() throws Exception {
        post("/_fake/config", "{\"errorStatus\":500,\"failNext\":1}");

        assertThat(chat(body(false, false)).statusCode()).isEqualTo(500);
        assertThat(chat(body(false, false)).statusCode()).isEqualTo(200);
    }

    @Test
    void configEndpointRejectsUnknownFieldsAndBadValues() throws Exception {
        FakeLlmConfig before = fake.config();

        assertThat(post("/_fake/config", "{\"latency\":25}").statusCode()).isEqualTo(400);
        assertThat(post("/_fake/config", "{\"errorRate\":2}").statusCode()).isEqualTo(400);
        assertThat(post("/_fake/config", "{\"errorStatus\":200}").statusCode()).isEqualTo(400);
        assertThat(post("/_fake/config", "{\"hang\":\"yes\"}").statusCode()).isEqualTo(400);
        assertThat(post("/_fake/config", "not json").statusCode()).isEqualTo(400);
        assertThat(fake.config()).isEqualTo(before);
    }

    @Test
    void statsEndpointCountsAndResetZeroes() throws Exception {
        chat(body(false, false));
        chat(body(true, false));

        JsonNode stats = JSON.readTree(http.send(HttpRequest.newBuilder(fake.uri("/_fake/stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(stats.path("received").asLong()).isEqualTo(2);
        assertThat(stats.path("streamed").asLong()).isEqualTo(1);

        assertThat(post("/_fake/reset", "").statusCode()).isEqualTo(200);
        assertThat(fake.stats().received()).isZero();
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void rejectsMalformedChatRequestsWith400() throws Exception {
        assertThat(chat("{not json").statusCode()).isEqualTo(400);
        assertThat(chat("{\"model\":\"m\"}").statusCode()).isEqualTo(400);
        assertThat(chat("{\"model\":\"m\",\"messages\":[]}").statusCode()).isEqualTo(400);
        HttpResponse<String> get = http.send(chatRequest("").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(fake.stats().rejected()).isEqualTo(3);
    }

    @Test
    void acceptsContentAsAnArrayOfTextParts() throws Exception {
        String body = """
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"[1] Paris is the capital of France. Berlin is the capital of Germany.\\n"},
                  {"type":"text","text":"Question: What is the capital of Germany?"}]}]}""";

        JsonNode json = JSON.readTree(chat(body).body());

        assertThat(json.path("choices").get(0).path("message").path("content").asString()).isEqualTo(ANSWER);
    }

    @Test
    void stopsWhileCallsAreHung() throws Exception {
        fake.configure(fake.config().withHang(true));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> call = pool.submit(() -> chat(body(false, false)));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> fake.stats().hung() == 1);

            long start = System.nanoTime();
            fake.close();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(call::get).hasCauseInstanceOf(IOException.class);
        }
    }

    private static String body(boolean stream, boolean includeUsage) {
        return """
                {"model":"my-model","stream":%s,%s"messages":[
                  {"role":"system","content":"Answer from the context."},
                  {"role":"user","content":"%s"}]}"""
                .formatted(stream, includeUsage ? "\"stream_options\":{\"include_usage\":true}," : "", PROMPT);
    }

    private HttpResponse<String> chat(String body) throws IOException, InterruptedException {
        return http.send(chatRequest(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder chatRequest(String body) {
        return HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer anything")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(fake.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
