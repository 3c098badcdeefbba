package io.qaflow.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Reactor Netty event loops and connection pools of this application context alone. By default every context in a
 * JVM shares Reactor Netty's global resources, and the first context to close disposes them, taking the HTTP servers
 * and clients of the others with it: the local stack runs all services in one JVM and restarts some of them (and
 * tests do the same). Each service imports this configuration.
 */
@Configuration(proxyBeanMethods = false)
public class OwnEventLoops {
    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        return factory;
    }
}
