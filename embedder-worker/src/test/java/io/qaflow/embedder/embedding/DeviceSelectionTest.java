package io.qaflow.embedder.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {
    private static final GpuProbe NO_GPU = () -> Optional.of("no CUDA device is visible");
    private static final GpuProbe GPU = Optional::empty;

    @Test
    void autoTakesTheGpuWhenUsableAndTheCpuOtherwise() {
        assertThat(DeviceSelection.select(DeviceChoice.AUTO, GPU)).isEqualTo(EmbeddingDevice.gpu(0));
        assertThat(DeviceSelection.select(DeviceChoice.AUTO, NO_GPU)).isEqualTo(EmbeddingDevice.CPU);
    }

    @Test
    void cpuIsTheCpuEvenWithAGpu() {
        assertThat(DeviceSelection.select(DeviceChoice.CPU, GPU)).isEqualTo(EmbeddingDevice.CPU);
    }

    @Test
    void gpuWithoutAUsableGpuFailsNamingWhyAndTheWayOut() {
        assertThat(DeviceSelection.select(DeviceChoice.GPU, GPU)).isEqualTo(EmbeddingDevice.gpu(0));
        assertThatThrownBy(() -> DeviceSelection.select(DeviceChoice.GPU, NO_GPU))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("qaflow.embedder.device=gpu")
                .hasMessageContaining("no CUDA device is visible")
                .hasMessageContaining("auto or cpu");
    }

    @Test
    void theRealProbeFindsNoGpuInACpuBuildAndAutoThenLoadsTheModelOnTheCpu() {
        // this module's default build has the CPU-only ONNX Runtime: no CUDA provider whatever the machine has
        Optional<String> why = GpuProbe.onnxRuntimeCuda().whyUnusable();
        assertThat(why).get().asString().contains("CUDA");
        try (var model = MiniLmOnnxEmbeddingModel.load(new MiniLmOnnxEmbeddingModel.Settings(8, 64, 1),
                DeviceChoice.AUTO, GpuProbe.onnxRuntimeCuda())) {
            assertThat(model.runtime().device()).isEqualTo("cpu");
            assertThat(model.runtime().executionProvider()).isEqualTo("CPU");
            assertThat(model.runtime().requestedDevice()).isEqualTo(DeviceChoice.AUTO);
            assertThat(model.embed(java.util.List.of("Who won Super Bowl 50?"))[0]).hasSize(384);
        }
        assertThatThrownBy(() -> MiniLmOnnxEmbeddingModel.load(MiniLmOnnxEmbeddingModel.Settings.defaults(),
                DeviceChoice.GPU, GpuProbe.onnxRuntimeCuda()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("-Pgpu");
    }

    @Test
    void devicesPrintAsHealthShowsThem() {
        assertThat(EmbeddingDevice.CPU).hasToString("cpu");
        assertThat(EmbeddingDevice.gpu(1)).hasToString("gpu:1");
        assertThatThrownBy(() -> EmbeddingDevice.gpu(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
