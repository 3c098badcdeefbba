package io.qaflow.gateway.access;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;

/**
 * What a call needs when API keys are configured: whether a key at all, which scope, and whether it takes a rate
 * limit token.
 *
 * <p>Only {@code /actuator/**} and {@code /v3/api-docs**} are public; every other path needs a key (deny by
 * default, so an endpoint added later is never public by accident). {@code /v1/documents/**} needs
 * {@link Scope#DOCUMENTS} (adding and deleting documents alike), {@code /v1/cache/**} needs {@link Scope#ADMIN}, the
 * rest {@link Scope#ASK}. Paths are read as the router reads them: segments decoded, {@code ;params} dropped, empty
 * segments ignored, an encoded slash splitting a segment; a path with a {@code .} or {@code ..} segment is never
 * public and needs the scope of the path those segments resolve to.
 *
 * @param keyRequired false for the public paths
 * @param scope the scope the key needs; null when no key is required
 * @param rateLimited true for the calls that start work: {@code POST /v1/ask}, {@code /v1/requests},
 *        {@code /v1/documents}
 */
public record EndpointAccess(boolean keyRequired, Scope scope, boolean rateLimited) {
    private static final EndpointAccess PUBLIC = new EndpointAccess(false, null, false);
    private static final List<List<String>> LIMITED = List.of(
            List.of("v1", "ask"), List.of("v1", "requests"), List.of("v1", "documents"));

    public static EndpointAccess of(HttpMethod method, PathContainer path) {
        List<String> raw = segments(path);
        boolean dotted = raw.contains(".") || raw.contains("..");
        List<String> segments = dotted ? normalized(raw) : raw;
        if (!dotted && isPublic(segments)) {
            return PUBLIC;
        }
        boolean limited = HttpMethod.POST.equals(method) && LIMITED.contains(segments);
        return new EndpointAccess(true, scopeOf(segments), limited);
    }

    /** Decoded segments without matrix parameters; an encoded slash splits a segment, as a decoding proxy would. */
    private static List<String> segments(PathContainer path) {
        return path.elements().stream()
                .filter(PathContainer.PathSegment.class::isInstance)
                .flatMap(element -> Arrays.stream(((PathContainer.PathSegment) element).valueToMatch().split("/")))
                .filter(segment -> !segment.isEmpty())
                .toList();
    }

    /** Dot segments resolved, so the scope is the one of the endpoint a normalising router would reach. */
    private static List<String> normalized(List<String> segments) {
        List<String> resolved = new ArrayList<>();
        for (String segment : segments) {
            if (segment.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
            } else if (!segment.equals(".")) {
                resolved.add(segment);
            }
        }
        return resolved;
    }

    private static boolean isPublic(List<String> segments) {
        return !segments.isEmpty() && (segments.getFirst().equals("actuator")
                || segments.getFirst().equals("v3") && segments.size() > 1 && segments.get(1).startsWith("api-docs"));
    }

    private static Scope scopeOf(List<String> segments) {
        if (segments.size() > 1 && segments.getFirst().equals("v1")) {
            return switch (segments.get(1)) {
                case "documents" -> Scope.DOCUMENTS;
                case "cache" -> Scope.ADMIN;
                default -> Scope.ASK;
            };
        }
        return Scope.ASK;
    }
}
