package io.qaflow.web;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/** Every service answers its errors as problem documents, with the {@link ProblemMapper}s it declares. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class ProblemAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ProblemExceptionHandler problemExceptionHandler(ObjectProvider<JsonMapper> json,
                                                    ObjectProvider<ProblemMapper> mappers, Environment environment) {
        String service = environment.getProperty("spring.application.name", "service").replaceFirst("^qaflow-", "").replace('-', ' ');
        return new ProblemExceptionHandler(json.getIfAvailable(() -> JsonMapper.builder().build()), service,
                mappers.orderedStream().toList());
    }
}
