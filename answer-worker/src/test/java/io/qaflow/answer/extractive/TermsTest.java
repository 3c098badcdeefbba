package io.qaflow.answer.extractive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TermsTest {

    @Test
    void lowercasesDropsStopWordsAndAccents() {
        assertThat(Terms.of("Which NFL team represented the AFC at Super Bowl 50?"))
                .containsExactly("nfl", "team", "represent", "afc", "super", "bowl", "50");
        assertThat(Terms.of("Café Müller")).containsExactly(Terms.stem("cafe"), "muller");
    }

    @Test
    void stemsInflectionsToTheSameTerm() {
        assertThat(Terms.stem("teams")).isEqualTo(Terms.stem("team"));
        assertThat(Terms.stem("represented")).isEqualTo(Terms.stem("represent"));
        assertThat(Terms.stem("countries")).isEqualTo(Terms.stem("country"));
        assertThat(Terms.stem("matches")).isEqualTo(Terms.stem("match"));
        assertThat(Terms.stem("moved")).isEqualTo(Terms.stem("move")).isEqualTo(Terms.stem("moving"));
        assertThat(Terms.stem("campus")).isEqualTo("campus");
        assertThat(Terms.stem("1990s")).isEqualTo("1990s");
    }
}
