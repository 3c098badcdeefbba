package io.qaflow.gateway.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's frame: every documented endpoint takes {@code Authorization: Bearer <API key>} (required
 * once keys are configured; a gateway running open ignores it), so generated clients send the key.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {
    static final String API_KEY_SCHEME = "apiKey";

    @Bean
    OpenAPI qaflowOpenApi() {
        return new OpenAPI()
                .info(new Info().title("qaflow gateway").version("v1")
                        .description("Questions in, answers out: synchronous, asynchronous with polling or SSE."))
                .components(new Components().addSecuritySchemes(API_KEY_SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("An API key's secret (qaflow.gateway.access.keys); scopes: ask, documents, "
                                + "admin. Not needed while the gateway runs open.")))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY_SCHEME));
    }
}
