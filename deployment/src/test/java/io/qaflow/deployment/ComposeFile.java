package io.qaflow.deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docker-compose.yml as Compose reads it: YAML with anchors and merge keys resolved (SnakeYAML does both). */
record ComposeFile(Map<String, Object> root) {

    static ComposeFile load() {
        return new ComposeFile(yaml(Repo.read(Repo.COMPOSE)));
    }

    static Map<String, Object> yaml(String text) {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        return map(loaded, "the document");
    }

    Map<String, Object> services() {
        return map(root.get("services"), "services");
    }

    Map<String, Object> service(String name) {
        return map(services().get(name), "service " + name);
    }

    /** The qaflow services of the file, by the component their image is. */
    Map<String, Component> qaflowServices() {
        Map<String, Component> found = new LinkedHashMap<>();
        services().forEach((name, service) -> Component.ofImage(interpolated(String.valueOf(map(service, name).get("image"))))
                .ifPresent(c -> found.put(name, c)));
        return found;
    }

    /** A service's environment as a name-to-value map (Compose accepts a map or a list of NAME=value). */
    Map<String, String> environment(String service) {
        Object env = service(service).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (env instanceof List<?> l) {
            l.forEach(entry -> {
                String s = String.valueOf(entry);
                int eq = s.indexOf('=');
                result.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            });
        }
        return result;
    }

    Optional<Map<String, Object>> healthcheck(String service) {
        Object check = service(service).get("healthcheck");
        return check == null ? Optional.empty() : Optional.of(map(check, "healthcheck of " + service));
    }

    /** {@code ${NAME:-default}} replaced by its default, as Compose does with NAME unset. */
    static String interpolated(String value) {
        return value.replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)}", "$1");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError(what + " is not a mapping: " + value);
        }
        return (Map<String, Object>) value;
    }
}
