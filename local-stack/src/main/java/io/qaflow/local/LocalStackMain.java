package io.qaflow.local;

import io.qaflow.testkit.fakellm.FakeOpenAiServer;
import java.nio.file.Path;
import java.util.Map;

/** {@code ./qaflow up}: runs the embedded default until Ctrl-C. */
public final class LocalStackMain {
    private LocalStackMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(".qaflow");
        boolean fakeLlm = false;
        boolean jsonLogs = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--fake-llm" -> fakeLlm = true;
                case "--json-logs" -> jsonLogs = true;
                default -> {
                    System.err.println("unknown option " + args[i]
                            + " (options: --data-dir DIR, --fake-llm, --json-logs)");
                    System.exit(2);
                }
            }
        }
        LocalStackSettings settings = LocalStackSettings.defaults(dataDir.toAbsolutePath());
        if (jsonLogs) {
            settings = settings.withServiceProperties(Map.of("logging.structured.format.console", "ecs"));
        }
        FakeOpenAiServer fake = null;
        if (fakeLlm) {
            fake = FakeOpenAiServer.start();
            settings = settings.withAnswerWorkerProperties(Map.of(
                    "qaflow.answer.llm.base-url", fake.baseUrl(),
                    "qaflow.answer.llm.api-key", "fake-key",
                    "qaflow.answer.llm.model", "fake-gpt",
                    // priced like a small hosted model, so costUsd shows the accounting at work
                    "qaflow.answer.prices.fake-gpt.input-per-million", 0.15,
                    "qaflow.answer.prices.fake-gpt.output-per-million", 0.60));
            say("Fake OpenAI-compatible LLM at " + fake.baseUrl());
        } else if (System.getenv("QAFLOW_LLM_BASE_URL") == null) {
            say("No LLM endpoint configured (QAFLOW_LLM_BASE_URL): the built-in extractive answerer answers.");
        }
        long started = System.nanoTime();
        LocalStack stack = new LocalStack(settings);
        FakeOpenAiServer fakeServer = fake;
        LocalStackSettings running = settings;
        // registered before anything starts, so Ctrl-C during start-up also stops what already runs
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("Stopping …");
            stack.close();
            if (fakeServer != null) {
                fakeServer.close();
            }
            say("Stopped. Data kept in " + running.dataDir() + ".");
        }, "qaflow-shutdown"));
        try {
            stack.start(LocalStackMain::say);
        } catch (RuntimeException e) {
            System.err.println("[qaflow] failed to start: " + e.getMessage());
            System.exit(1);
        }
        say(String.format("qaflow is ready in %.0f s at %s — ask with:%n  curl -s %s/v1/ask -H 'content-type: application/json' "
                        + "-d '{\"question\":\"Which NFL team represented the AFC at Super Bowl 50?\"}'%n"
                        + "statistics: curl -s %s/v1/experiments/default/stats%n"
                        + "experiments: curl -s %s/v1/experiments (README.md, \"Experiments\")%n(Ctrl-C stops)",
                (System.nanoTime() - started) / 1e9, stack.gatewayUrl(), stack.gatewayUrl(), stack.aggregatorUrl(),
                stack.experimentControllerUrl()));
        Thread.currentThread().join();
    }

    private static void say(String line) {
        System.out.println("[qaflow] " + line);
    }
}
