package io.qaflow.answer.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.qaflow.testkit.fakellm.FakeAnswerRule;
import io.qaflow.testkit.fakellm.FakeOpenAiServer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * langchain4j's streaming OpenAI client reads the fake's server-sent events (over this module's HTTP client):
 * the fake's stream is what a real OpenAI client expects, usage chunk included.
 */
class StreamingAgainstFakeTest {

    @Test
    void aRealStreamingClientReassemblesTheAnswerAndItsUsage() throws Exception {
        try (FakeOpenAiServer fake = FakeOpenAiServer.start();
             java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                     .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                    .httpClientBuilder(new JdkLlmHttpClientBuilder(http, Clock.systemUTC()))
                    .baseUrl(fake.baseUrl())
                    .apiKey("key")
                    .modelName("fake-gpt")
                    .timeout(Duration.ofSeconds(5))
                    .build();
            StringBuilder partials = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();

            model.chat("[1] Paris is the capital of France. Berlin is the capital of Germany.\n"
                    + "Question: What is the capital of Germany?", new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partial) {
                    partials.append(partial);
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            ChatResponse response = done.get(10, TimeUnit.SECONDS);

            assertThat(partials.toString()).isEqualTo("Berlin is the capital of Germany.");
            assertThat(response.aiMessage().text()).isEqualTo("Berlin is the capital of Germany.");
            assertThat(response.tokenUsage().outputTokenCount())
                    .isEqualTo(FakeAnswerRule.completionTokens("Berlin is the capital of Germany."));
            assertThat(fake.stats().streamed()).isEqualTo(1);
        }
    }
}
