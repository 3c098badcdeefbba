package io.qaflow.local.drill;

import io.qaflow.model.kafka.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A steady, bounded load of clients against the cluster's gateways, as real clients behave: half synchronous asks,
 * half asynchronous submits polled to the end, every request with its own Idempotency-Key; a client that loses its
 * gateway (connection refused or reset, or a 503 that accepted nothing) retries the same key, on the other gateway
 * when its own is gone. Every terminal state a client sees is recorded, so nothing lost and nothing answered twice
 * can hide: at the end every accepted request is read once more from every gateway.
 */
final class DrillLoad {
    private static final Set<String> TERMINAL = Set.of("ANSWERED", "FAILED", "EXPIRED");
    private static final Duration ACCEPT_BUDGET = Duration.ofSeconds(30);
    /** Longer than any deadline plus the orphan expiry of a replica that died (30 s + 30 s + grace). */
    private static final Duration FOLLOW_BUDGET = Duration.ofSeconds(120);
    private static final Duration POLL_EVERY = Duration.ofMillis(250);

    /**
     * @param rate requests per second
     * @param duration how long requests are sent
     * @param faultAt when, from the start, the fault is injected
     */
    record Settings(double rate, Duration duration, Duration faultAt) {}

    private final List<URI> gateways;
    private final Settings settings;
    private final List<String> questions;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final Collection<Client> clients = new ConcurrentLinkedQueue<>();
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private final Map<String, Long> outcomes = new ConcurrentSkipListMap<>();

    DrillLoad(List<URI> gateways, Settings settings, List<String> questions) {
        this.gateways = List.copyOf(gateways);
        this.settings = settings;
        this.questions = List.copyOf(questions);
    }

    /** Sends the load, injects {@code fault} at its time (it returns once undone), waits for every client. */
    DrillResult run(String drill, Runnable fault, Consumer<String> log) {
        long start = System.nanoTime();
        long faultAtNanos = start + settings.faultAt().toNanos();
        Thread faultThread = Thread.ofPlatform().name("drill-fault").start(() -> {
            sleepUntil(faultAtNanos);
            log.accept("injecting the fault");
            fault.run();
        });
        SplittableRandom random = new SplittableRandom(drill.hashCode());
        long total = Math.round(settings.rate() * settings.duration().toSeconds());
        long intervalNanos = (long) (1e9 / settings.rate());
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (long i = 0; i < total; i++) {
                sleepUntil(start + i * intervalNanos);
                Client client = new Client(random.nextBoolean(),
                        questions.get(random.nextInt(questions.size())) + " [drill " + runId + "-" + i + "]",
                        (int) (i % gateways.size()), System.nanoTime() - faultAtNanos);
                clients.add(client);
                requests.execute(client::run);
            }
            log.accept("sent " + total + " requests; waiting for every one to end");
            requests.shutdown();
            // every client ends within its budgets (each call is bounded); a client still running after them is
            // interrupted and counts as lost
            if (!requests.awaitTermination(FOLLOW_BUDGET.plus(ACCEPT_BUDGET).toSeconds() + 60, TimeUnit.SECONDS)) {
                log.accept("clients still running after every budget: interrupting them");
                requests.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        join(faultThread);
        verifyAgain();
        DrillResult result = result(drill);
        log.accept("outcomes: " + outcomes);
        return result;
    }

    /** Every accepted request read once more from every gateway: a second, different terminal state is a duplicate. */
    private void verifyAgain() {
        for (Client client : clients) {
            for (String requestId : client.requestIds) {
                for (int g = 0; g < gateways.size(); g++) {
                    try {
                        HttpResponse<String> response = send(get(g, "/v1/requests/" + requestId), Duration.ofSeconds(5));
                        if (response.statusCode() == 200) {
                            JsonNode body = Json.MAPPER.readTree(response.body());
                            client.observe(requestId, body);
                        }
                    } catch (IOException gatewayDown) {
                        // read from the others
                    }
                }
            }
        }
    }

    private DrillResult result(String drill) {
        long accepted = 0;
        long answered = 0;
        long failed = 0;
        long expired = 0;
        long lost = 0;
        long duplicates = 0;
        long degraded = 0;
        long refused = 0;
        List<Long> latencies = new ArrayList<>();
        List<Long> beforeFault = new ArrayList<>();
        for (Client client : clients) {
            if (client.requestIds.isEmpty()) {
                refused++;
                continue;
            }
            accepted++;
            if (client.isDuplicate()) {
                duplicates++;
            }
            switch (Objects.requireNonNullElse(client.terminal, "LOST")) {
                case "ANSWERED" -> answered++;
                case "FAILED" -> failed++;
                case "EXPIRED" -> expired++;
                default -> lost++;
            }
            if (client.degraded) {
                degraded++;
            }
            if (client.latencyNanos > 0) {
                latencies.add(client.latencyNanos);
                if (client.submittedAfterFaultNanos < 0) {
                    beforeFault.add(client.latencyNanos);
                }
            }
        }
        long slow = Math.max(Duration.ofSeconds(2).toNanos(), 4 * percentile(beforeFault, 0.99));
        double recovery = 0;
        for (Client client : clients) {
            boolean ok = "ANSWERED".equals(client.terminal) && !client.degraded && client.latencyNanos < slow;
            if (!ok && client.submittedAfterFaultNanos >= 0) {
                recovery = Math.max(recovery, client.submittedAfterFaultNanos / 1e9);
            }
        }
        return new DrillResult(drill, accepted, answered, failed, expired, lost, duplicates, degraded,
                Math.round(percentile(latencies, 0.99) / 1e6), recovery, refused);
    }

    private static long percentile(List<Long> values, double q) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }

    /** One client: one question, one Idempotency-Key, followed to its end. */
    private final class Client {
        final boolean synchronous;
        final String question;
        final String idempotencyKey = UUID.randomUUID().toString();
        final long submittedAfterFaultNanos;
        /** Every request id the key was answered with (more than one: a duplicate). */
        final Set<String> requestIds = new HashSet<>();
        int gateway;
        String refusal;
        volatile String terminal;
        volatile String terminalAnswer;
        volatile boolean degraded;
        volatile boolean conflicting;
        volatile long latencyNanos;
        long submittedAt;

        Client(boolean synchronous, String question, int gateway, long submittedAfterFaultNanos) {
            this.synchronous = synchronous;
            this.question = question;
            this.gateway = gateway;
            this.submittedAfterFaultNanos = submittedAfterFaultNanos;
        }

        void run() {
            submittedAt = System.nanoTime();
            String requestId = accept();
            if (requestId == null) {
                return;
            }
            follow(requestId);
        }

        /** Submits until a gateway names a request for the key, or the budget is spent; null when refused. */
        private String accept() {
            long until = System.nanoTime() + ACCEPT_BUDGET.toNanos();
            ObjectNode body = Json.MAPPER.createObjectNode().put("question", question);
            if (synchronous) {
                body.put("timeoutMs", 15_000);
            }
            String path = synchronous ? "/v1/ask" : "/v1/requests";
            while (System.nanoTime() < until) {
                try {
                    HttpRequest request = HttpRequest.newBuilder(gateways.get(gateway).resolve(path))
                            .header("content-type", "application/json")
                            .header("Idempotency-Key", idempotencyKey)
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                    HttpResponse<String> response = send(request, Duration.ofSeconds(synchronous ? 25 : 10));
                    JsonNode json = response.body().isBlank() ? Json.MAPPER.createObjectNode()
                            : Json.MAPPER.readTree(response.body());
                    String requestId = json.path("requestId").asString(null);
                    // a request id with 200/202, or with the 5xx of a request that failed, expired or is unconfirmed;
                    // a 409 names a request still being accepted (maybe by a replica that just died): ask again
                    boolean named = requestId != null && !requestId.isBlank() && response.statusCode() != 409
                            && response.statusCode() != 429;
                    if (named) {
                        requestIds.add(requestId);
                        if (response.statusCode() == 200) {
                            observe(requestId, json);
                        }
                        return requestId;
                    }
                    // nothing accepted (503 Kafka unavailable, 409 key still being accepted elsewhere, 429): again
                    refusal = response.statusCode() + " " + json.path("type").asString("").replace("urn:qaflow:problem:", "");
                    pause(Duration.ofMillis(500));
                } catch (IOException gatewayGone) {
                    refusal = gatewayGone.getClass().getSimpleName();
                    gateway = (gateway + 1) % gateways.size();
                    pause(Duration.ofMillis(200));
                }
            }
            count("refused " + refusal);
            return null;
        }

        private void follow(String requestId) {
            long until = System.nanoTime() + FOLLOW_BUDGET.toNanos();
            while (terminal == null && System.nanoTime() < until) {
                try {
                    HttpResponse<String> response = send(get(gateway, "/v1/requests/" + requestId),
                            Duration.ofSeconds(5));
                    if (response.statusCode() == 200) {
                        observe(requestId, Json.MAPPER.readTree(response.body()));
                    } else if (response.statusCode() == 404) {
                        gateway = (gateway + 1) % gateways.size(); // not visible there (yet): ask the other
                    }
                } catch (IOException gatewayGone) {
                    gateway = (gateway + 1) % gateways.size();
                }
                if (terminal == null) {
                    pause(POLL_EVERY);
                }
            }
        }

        /** A status read: the first terminal one is kept; a later, different one marks the request duplicated. */
        synchronized void observe(String requestId, JsonNode status) {
            String state = status.path("status").asString("");
            if (!TERMINAL.contains(state)) {
                return;
            }
            String answer = status.path("answer").asString("");
            if (terminal == null) {
                terminal = state;
                terminalAnswer = answer;
                degraded = status.path("degraded").asBoolean(false);
                latencyNanos = System.nanoTime() - submittedAt;
                JsonNode error = status.path("error");
                count(state.toLowerCase(java.util.Locale.ROOT) + (error.isMissingNode() || error.isNull() ? ""
                        : " " + error.path("stage").asString("") + "/" + error.path("code").asString("")));
            } else if (!terminal.equals(state) || !terminalAnswer.equals(answer)) {
                conflicting = true;
                count("conflicting " + terminal + " then " + state + " of " + requestId);
            }
        }

        boolean isDuplicate() {
            if (requestIds.size() > 1) {
                count("two requests for one key: " + requestIds);
            }
            return conflicting || requestIds.size() > 1;
        }
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1L, Long::sum);
    }

    private HttpRequest get(int gateway, String path) {
        return HttpRequest.newBuilder(gateways.get(gateway).resolve(path)).GET().build();
    }

    /**
     * One call, bounded as a whole: the client's request timeout covers the wait for the response headers, not the
     * body, and a drill once waited forever on a body (a connection lost mid-response while a broker was killed).
     */
    private HttpResponse<String> send(HttpRequest request, Duration timeout) throws IOException {
        HttpRequest timed = HttpRequest.newBuilder(request, (name, value) -> true).timeout(timeout).build();
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(timed,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            return response.get(timeout.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new IOException("no complete response within " + timeout.plusSeconds(5), e);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            pause(Duration.ofNanos(wait));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
