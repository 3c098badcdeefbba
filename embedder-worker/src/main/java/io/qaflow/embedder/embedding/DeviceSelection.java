package io.qaflow.embedder.embedding;

import java.util.Objects;
import java.util.Optional;

/** Turns {@code qaflow.embedder.device} into the device the model is loaded on. */
public final class DeviceSelection {
    private DeviceSelection() {}

    /**
     * {@code cpu} → the CPU; {@code gpu} → GPU 0, or an {@link IllegalStateException} naming why no GPU is usable
     * (the embedder then fails at start-up); {@code auto} → GPU 0 when usable, else the CPU.
     */
    public static EmbeddingDevice select(DeviceChoice choice, GpuProbe probe) {
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(probe, "probe");
        return switch (choice) {
            case CPU -> EmbeddingDevice.CPU;
            case AUTO -> probe.whyUnusable().isEmpty() ? EmbeddingDevice.gpu(0) : EmbeddingDevice.CPU;
            case GPU -> {
                Optional<String> why = probe.whyUnusable();
                if (why.isPresent()) {
                    throw new IllegalStateException("qaflow.embedder.device=gpu but no GPU is usable: " + why.get()
                            + ". Set qaflow.embedder.device=auto or cpu to run on the CPU.");
                }
                yield EmbeddingDevice.gpu(0);
            }
        };
    }
}
