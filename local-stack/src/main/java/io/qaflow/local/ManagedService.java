package io.qaflow.local;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One of qaflow's Spring Boot services running inside the local stack's JVM, with its own application context,
 * configuration file name and HTTP port.
 */
final class ManagedService implements AutoCloseable {
    private final String name;
    private final Class<?> applicationClass;
    private final String configName;
    private final Map<String, Object> properties;
    private ConfigurableApplicationContext context;

    ManagedService(String name, Class<?> applicationClass, String configName, Map<String, Object> properties) {
        this.name = name;
        this.applicationClass = applicationClass;
        this.configName = configName;
        this.properties = Map.copyOf(properties);
    }

    synchronized ManagedService start(Map<String, Object> extraProperties) {
        if (context != null && context.isActive()) {
            throw new IllegalStateException(name + " is already running");
        }
        Map<String, Object> all = new HashMap<>(properties);
        all.putAll(extraProperties);
        all.put("spring.config.name", configName);
        // as command-line arguments: they override the service's own yml, where builder properties would only be defaults
        String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        context = new SpringApplicationBuilder(applicationClass).run(args);
        return this;
    }

    String name() {
        return name;
    }

    synchronized ConfigurableApplicationContext context() {
        if (context == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return context;
    }

    int port() {
        return Integer.parseInt(context().getEnvironment().getRequiredProperty("local.server.port"));
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public synchronized void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
