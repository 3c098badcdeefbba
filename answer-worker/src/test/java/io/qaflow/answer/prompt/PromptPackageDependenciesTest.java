package io.qaflow.answer.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The prompt package is what another module (the experiment controller's registration) may use without the rest of
 * the worker: it must depend on the JDK and shared-model only.
 */
class PromptPackageDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/qaflow/answer/prompt");

    @Test
    void importsOnlyTheJdkAndSharedModel() throws IOException {
        List<String> imports;
        try (Stream<Path> files = Files.list(SOURCES)) {
            imports = files.filter(f -> f.toString().endsWith(".java")).flatMap(PromptPackageDependenciesTest::lines)
                    .filter(line -> line.startsWith("import ")).toList();
        }
        assertThat(imports).isNotEmpty()
                .allSatisfy(line -> assertThat(line).matches("import (static )?(java\\.|io\\.qaflow\\.model\\.).*"));
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
