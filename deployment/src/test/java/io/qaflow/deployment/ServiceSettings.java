package io.qaflow.deployment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settings a service binds, from the configuration metadata in its executable jar: its own
 * (META-INF/spring-configuration-metadata.json, at the jar's root or under BOOT-INF/classes, written by spring-boot-configuration-processor from
 * its @ConfigurationProperties records) and that of every library in BOOT-INF/lib (Spring Boot's own, the
 * project's redis-support, …). An environment variable is a setting the service reads when Spring Boot's relaxed
 * binding maps it to one of these properties: upper case, dots to underscores, dashes dropped or turned into
 * underscores (QAFLOW_GATEWAY_PUBLISH_TIMEOUT, SPRING_KAFKA_BOOTSTRAP_SERVERS), an index after a list property
 * (QAFLOW_GATEWAY_ACCESS_KEYS_0_ID), a key after a map property (SPRING_KAFKA_PROPERTIES_SASL_MECHANISM).
 */
final class ServiceSettings {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final Pattern INDEX = Pattern.compile("_[0-9]+(_.+)?");
    private static final Map<Component, ServiceSettings> CACHE = new ConcurrentHashMap<>();

    /**
     * Read by the JVM itself, not by Spring: the one variable the chart and compose set that no metadata lists.
     */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    private final Set<String> properties;
    private final Map<String, String> exactEnv = new HashMap<>();
    private final Map<String, String> mapEnvPrefixes = new HashMap<>();
    private final Map<String, String> listEnvPrefixes = new HashMap<>();

    ServiceSettings(Map<String, String> typesByProperty) {
        this.properties = Set.copyOf(typesByProperty.keySet());
        typesByProperty.forEach((name, type) -> {
            for (String env : envNames(name)) {
                exactEnv.put(env, name);
                if (type.startsWith("java.util.Map<") || type.startsWith("java.util.Properties")) {
                    mapEnvPrefixes.put(env + "_", name);
                } else if (type.startsWith("java.util.List<") || type.startsWith("java.util.Set<")
                        || type.startsWith("java.util.Collection<") || type.endsWith("[]")) {
                    listEnvPrefixes.put(env, name);
                }
            }
        });
    }

    static ServiceSettings of(Component component) {
        return CACHE.computeIfAbsent(component, c -> new ServiceSettings(read(c.executableJar())));
    }

    /** Every property name the service binds. */
    Set<String> properties() {
        return properties;
    }

    boolean binds(String property) {
        return properties.contains(property);
    }

    /** The property {@code variable} sets in this service, or why it sets none. */
    Verdict check(String variable) {
        if (JVM_VARIABLES.contains(variable)) {
            return Verdict.read("(the JVM)");
        }
        List<String> maps = mapEnvPrefixes.entrySet().stream().filter(m -> variable.startsWith(m.getKey())
                && variable.length() > m.getKey().length()).map(Map.Entry::getValue).sorted().toList();
        Optional<String> property = propertyOf(variable);
        if (property.isPresent() && maps.stream().anyMatch(map -> !property.get().startsWith(map + "."))) {
            // Spring binds the variable into each of these properties, and one of them cannot take its value: the
            // service fails to start (MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILES_HISTOGRAM_… into `percentiles`)
            return new Verdict(false, "ambiguous: " + property.get() + " and " + maps);
        }
        return property.map(Verdict::read).orElseGet(() -> new Verdict(false, null));
    }

    private Optional<String> propertyOf(String variable) {
        String exact = exactEnv.get(variable);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (Map.Entry<String, String> list : listEnvPrefixes.entrySet()) {
            if (variable.startsWith(list.getKey()) && INDEX.matcher(variable.substring(list.getKey().length())).matches()) {
                return Optional.of(list.getValue() + "[…]");
            }
        }
        return mapEnvPrefixes.entrySet().stream().filter(m -> variable.startsWith(m.getKey())
                && variable.length() > m.getKey().length()).map(m -> m.getValue() + ".<key>").sorted().findFirst();
    }

    /** Whether a variable is read, and the property it sets (or why it is refused). */
    record Verdict(boolean read, String property) {
        static Verdict read(String property) {
            return new Verdict(true, property);
        }
    }

    /** The environment variable names Spring Boot maps to {@code property} (SystemEnvironmentPropertyMapper). */
    static List<String> envNames(String property) {
        String upper = property.toUpperCase(Locale.ROOT).replace('.', '_');
        return List.of(upper.replace("-", ""), upper.replace('-', '_'));
    }

    private static Map<String, String> read(Path jar) {
        Map<String, String> properties = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            // Spring Boot's repackager keeps the application's META-INF at the root of the jar
            ZipEntry own = zip.getEntry(METADATA) != null ? zip.getEntry(METADATA)
                    : zip.getEntry("BOOT-INF/classes/" + METADATA);
            if (own == null) {
                throw new AssertionError(jar + " has no " + METADATA + " of its own: is spring-boot-configuration-processor"
                        + " run by the compiler?");
            }
            try (InputStream in = zip.getInputStream(own)) {
                collect(in, properties);
            }
            Enumeration<? extends ZipEntry> entries = zip.entries();
            List<ZipEntry> libraries = new ArrayList<>();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.getName().startsWith("BOOT-INF/lib/") && entry.getName().endsWith(".jar")) {
                    libraries.add(entry);
                }
            }
            for (ZipEntry library : libraries) {
                try (ZipInputStream nested = new ZipInputStream(zip.getInputStream(library))) {
                    for (ZipEntry e = nested.getNextEntry(); e != null; e = nested.getNextEntry()) {
                        if (e.getName().equals(METADATA)) {
                            collect(nested, properties);
                            break;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static void collect(InputStream in, Map<String, String> properties) throws IOException {
        JsonNode metadata = JSON.readTree(in.readAllBytes());
        Set<String> seen = new HashSet<>();
        for (JsonNode property : metadata.path("properties")) {
            String name = property.path("name").asString();
            if (seen.add(name)) {
                properties.putIfAbsent(name, property.path("type").asString(""));
            }
        }
    }
}
