package io.qaflow.embedder.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.testkit.squad.Squad;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * MiniLM on DJL's PyTorch engine, with the weights read from the bundled ONNX file, gives the ONNX path's embeddings
 * on every SQuAD dev question and on whole paragraphs.
 */
class MiniLmPyTorchMatchesOnnxTest {
    private static final double SAME = 0.9999;

    @Test
    void pyTorchEmbeddingsEqualTheOnnxOnesOnTheDevQuestionsAndParagraphs() {
        Squad squad = Squad.all();
        List<String> texts = new ArrayList<>(squad.questions().stream().map(Squad.Question::question).toList());
        int questions = texts.size();
        squad.paragraphs().stream().limit(12).map(Squad.Paragraph::text).forEach(texts::add);
        try (var onnx = MiniLmOnnxEmbeddingModel.load(MiniLmOnnxEmbeddingModel.Settings.defaults());
             var pyTorch = MiniLmPyTorchEmbeddingModel.load(32, BundledMiniLm.MAX_SEQUENCE_TOKENS, 0,
                     EmbeddingDevice.CPU)) {
            float[][] expected = onnx.embed(texts);
            float[][] actual = pyTorch.embed(texts);
            double min = 1;
            for (int i = 0; i < texts.size(); i++) {
                double cosine = MiniLmMatchesLangchain4jTest.cosine(expected[i], actual[i]);
                assertThat(cosine).as("cosine for %s", texts.get(i)).isGreaterThanOrEqualTo(SAME);
                min = Math.min(min, cosine);
            }
            System.out.printf(Locale.ROOT, "minilm pytorch-vs-onnx questions=%d paragraphs=%d min-cosine=%.7f%n",
                    questions, texts.size() - questions, min);
            assertThat(questions).isEqualTo(2_217);
            assertThat(pyTorch.runtime().engine()).isEqualTo("PyTorch");
            assertThat(pyTorch.runtime().device()).isEqualTo("cpu");
            assertThat(pyTorch.embed(List.of())).isEmpty();
        }
    }

    @Test
    void theBundledLibtorchIsCpuOnlySoGpuIsRefusedAndAutoRunsOnTheCpu() {
        assertThatThrownBy(() -> EmbeddingModels.load(EngineChoice.PYTORCH, DeviceChoice.GPU,
                MiniLmOnnxEmbeddingModel.Settings.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PYTORCH_LIBRARY_PATH");
        assertThatThrownBy(() -> EmbeddingModels.load(EngineChoice.PYTORCH, DeviceChoice.CPU,
                MiniLmOnnxEmbeddingModel.Settings.defaults().withPrecision(Precision.INT8)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fp32");
        try (LoadedEmbeddingModel model = EmbeddingModels.load(EngineChoice.PYTORCH, DeviceChoice.AUTO,
                MiniLmOnnxEmbeddingModel.Settings.defaults())) {
            assertThat(model.runtime().device()).isEqualTo("cpu");
            assertThat(model.runtime().requestedDevice()).isEqualTo(DeviceChoice.AUTO);
            assertThat(model.runtime().batchSize()).isEqualTo(32);
            assertThat(model.embed(List.of("Who won Super Bowl 50?"))[0]).hasSize(384);
        }
    }
}
