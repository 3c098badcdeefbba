package io.qaflow.answer.prompt;

import java.util.List;
import io.qaflow.model.Variant;
import io.qaflow.model.prompt.PromptTemplate;
import io.qaflow.model.prompt.QaPrompt;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PromptCatalogTest {
    private static final PromptTemplate V1_1_0 = new PromptTemplate("qa-answer", "1.1.0", "Be terse.",
            "{{context}}\nQuestion: {{question}}");

    @Test
    void aRegisteredVersionIsFoundNextToTheBuiltInOneWhichStaysTheFallback() {
        PromptCatalog catalog = PromptCatalog.loading();
        assertThat(catalog.find("qa-answer", "1.1.0")).isEmpty();

        assertThat(catalog.register(V1_1_0)).isEqualTo(PromptCatalog.Registration.ADDED);

        assertThat(catalog.find("qa-answer", "1.1.0")).contains(V1_1_0);
        assertThat(catalog.find("qa-answer", "1.0.0")).contains(QaPrompt.V1_0_0);
        assertThat(catalog.fallback()).isEqualTo(QaPrompt.V1_0_0);
        assertThat(catalog.size()).isEqualTo(2);
    }

    @Test
    void theSameVersionAgainIsUnchangedAndADifferentTextUnderItReplacesIt() {
        PromptCatalog catalog = PromptCatalog.loading();
        catalog.register(V1_1_0);

        assertThat(catalog.register(new PromptTemplate("qa-answer", "1.1.0", "Be terse.",
                "{{context}}\nQuestion: {{question}}"))).isEqualTo(PromptCatalog.Registration.UNCHANGED);
        PromptTemplate changed = new PromptTemplate("qa-answer", "1.1.0", "Be brief.",
                "{{context}}\nQuestion: {{question}}");
        assertThat(catalog.register(changed)).isEqualTo(PromptCatalog.Registration.REPLACED);
        assertThat(catalog.find("qa-answer", "1.1.0")).contains(changed);
        assertThat(catalog.size()).isEqualTo(2);
    }

    @Test
    void aLoadingCatalogIsLoadedOnlyOnceMarkedAndReleasesItsWaiters() throws Exception {
        PromptCatalog catalog = PromptCatalog.loading();
        assertThat(catalog.isLoaded()).isFalse();
        assertThat(catalog.awaitLoaded(Duration.ofMillis(20))).isFalse();
        assertThat(catalog.awaitLoaded(Duration.ZERO)).isFalse();

        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return catalog.awaitLoaded(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        catalog.markLoaded();

        assertThat(waiter.get()).isTrue();
        assertThat(catalog.isLoaded()).isTrue();
        assertThat(PromptCatalog.builtIn().isLoaded()).as("nothing more to come").isTrue();
    }

    @Test
    void theBuiltInCatalogFallsBackToItsFirstTemplateAndRejectsDuplicates() {
        PromptCatalog catalog = PromptCatalog.builtIn();

        assertThat(catalog.find(Variant.DEFAULT_PROMPT, Variant.DEFAULT_PROMPT_VERSION)).contains(QaPrompt.V1_0_0);
        assertThat(catalog.find("qa-answer", "9.9.9")).isEmpty();
        assertThat(catalog.fallback()).isEqualTo(QaPrompt.V1_0_0);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new PromptCatalog(List.of(QaPrompt.V1_0_0, QaPrompt.V1_0_0)))
                .hasMessageContaining("defined twice");
    }
}
