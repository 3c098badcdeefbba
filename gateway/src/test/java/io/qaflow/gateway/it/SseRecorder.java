package io.qaflow.gateway.it;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;

/** Reads a server-sent event stream over real HTTP in the background, recording each event as it arrives. */
final class SseRecorder {
    record Event(String name, String id, JsonNode data) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private volatile boolean completed;
    private volatile String contentType;

    static SseRecorder open(Http http, String path) {
        SseRecorder recorder = new SseRecorder();
        HttpRequest request = HttpRequest.newBuilder(http.uri(path)).header("Accept", "text/event-stream").GET()
                .build();
        http.client().sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAcceptAsync(response -> {
                    recorder.contentType = response.headers().firstValue("Content-Type").orElse(null);
                    recorder.status.complete(response.statusCode());
                    recorder.read(response.body().iterator());
                }, Executors.newVirtualThreadPerTaskExecutor());
        return recorder;
    }

    private void read(java.util.Iterator<String> lines) {
        String name = null;
        String id = null;
        List<String> data = new ArrayList<>();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    events.add(new Event(name, id, Http.JSON.readTree(String.join("\n", data))));
                }
                name = null;
                id = null;
                data.clear();
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                data.add(line.substring(5));
            }
        }
        completed = true;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<String> names() {
        return events.stream().map(Event::name).toList();
    }

    boolean completed() {
        return completed;
    }

    CompletableFuture<Integer> status() {
        return status;
    }

    String contentType() {
        return contentType;
    }
}
