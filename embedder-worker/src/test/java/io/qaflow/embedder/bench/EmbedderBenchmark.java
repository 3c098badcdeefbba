package io.qaflow.embedder.bench;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.qaflow.embedder.embedding.DeviceChoice;
import io.qaflow.embedder.embedding.EmbeddingBatcher;
import io.qaflow.embedder.embedding.EmbeddingDevice;
import io.qaflow.embedder.embedding.GpuProbe;
import io.qaflow.embedder.embedding.MiniLmOnnxEmbeddingModel;
import io.qaflow.embedder.embedding.MiniLmPyTorchEmbeddingModel;
import io.qaflow.embedder.embedding.Precision;
import io.qaflow.testkit.squad.Squad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code ./qaflow bench embedder [rounds] [threads]}: sentences per second of all-MiniLM-L6-v2 on short questions (the
 * 2,217 SQuAD dev questions of testkit, 14.7 word pieces on average) per engine and device, all in one run:
 * <ul>
 *   <li>langchain4j's {@code AllMiniLmL6V2EmbeddingModel}, one question per call (its ONNX Runtime session takes its
 *       defaults: one intra-op thread per core);</li>
 *   <li>qaflow's OnnxRuntime model on the CPU, fp32 and int8, called as the question path calls it (a poll of 64
 *       questions per call), with {@code threads} threads (default: available processors);</li>
 *   <li>the same fp32 model one question per call, and behind the dynamic batcher with 16 concurrent callers of one
 *       question each;</li>
 *   <li>DJL's PyTorch engine (CPU libtorch) with the same weights, fp32, 64 questions per call;</li>
 *   <li>on a usable GPU (see {@link GpuProbe}), the fp32 model on ONNX Runtime's CUDA provider (batches of 128,
 *       1,024 questions per call).</li>
 * </ul>
 * Each engine is warmed up, then the engines take turns for {@code rounds} rounds (default 8) on the same slices of
 * questions, so a noisy neighbour hits all of them alike; each figure is the median of its rounds. The last line is
 * {@code embedder: cpu_ratio_vs_langchain4j=X cpu_sentences_per_s=N gpu_sentences_per_s=N|none device=...}, where
 * the CPU figure is the fastest qaflow CPU engine (named on the line before).
 */
public final class EmbedderBenchmark {
    private static final int POLL = 64;
    private static final int CALLERS = 16;

    private EmbedderBenchmark() {}

    private record Engine(String name, String device, String precision, String calls, int slice,
                          Consumer<List<String>> run) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        List<String> questions = Squad.all().questions().stream().map(Squad.Question::question).toList();
        System.out.printf(Locale.ROOT, "embedder bench: %d SQuAD questions (%.1f characters on average), %d rounds, "
                        + "qaflow threads=%d, available processors=%d%n", questions.size(),
                questions.stream().mapToInt(String::length).average().orElse(0), rounds, threads,
                Runtime.getRuntime().availableProcessors());

        // DJL's OnnxRuntime engine must create the JVM's OrtEnvironment before langchain4j does
        MiniLmOnnxEmbeddingModel.Settings cpu = MiniLmOnnxEmbeddingModel.Settings.defaults().withThreads(threads, 1);
        var fp32 = MiniLmOnnxEmbeddingModel.load(cpu);
        var int8 = MiniLmOnnxEmbeddingModel.load(cpu.withPrecision(Precision.INT8));
        var batcher = new EmbeddingBatcher(fp32, new EmbeddingBatcher.Settings(POLL, Duration.ZERO,
                fp32.parallelInferences()));
        Optional<String> noGpu = GpuProbe.onnxRuntimeCuda().whyUnusable();
        MiniLmOnnxEmbeddingModel gpu = noGpu.isEmpty() ? MiniLmOnnxEmbeddingModel.load(
                MiniLmOnnxEmbeddingModel.Settings.defaults().withThreads(threads, 0),
                DeviceChoice.GPU, GpuProbe.onnxRuntimeCuda()) : null;
        MiniLmPyTorchEmbeddingModel pyTorch = MiniLmPyTorchEmbeddingModel.load(32, 512, threads,
                EmbeddingDevice.CPU);
        var langchain4j = new AllMiniLmL6V2EmbeddingModel();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);

        List<Engine> engines = new ArrayList<>();
        engines.add(new Engine("langchain4j", "cpu", "fp32", "one question per call", 96,
                texts -> texts.forEach(langchain4j::embed)));
        engines.add(new Engine("qaflow-onnx", "cpu", "fp32", "64 questions per call", 512,
                texts -> polls(texts, fp32::embed)));
        engines.add(new Engine("qaflow-onnx", "cpu", "int8", "64 questions per call", 512,
                texts -> polls(texts, int8::embed)));
        engines.add(new Engine("qaflow-onnx", "cpu", "fp32", "one question per call", 96,
                texts -> texts.forEach(t -> fp32.embed(List.of(t)))));
        engines.add(new Engine("qaflow-onnx-batcher", "cpu", "fp32", CALLERS + " callers x 1 question", 512,
                texts -> concurrently(texts, batcher, callers)));
        engines.add(new Engine("qaflow-djl-pytorch", "cpu", "fp32", "64 questions per call", 256,
                texts -> polls(texts, pyTorch::embed)));
        if (gpu != null) {
            engines.add(new Engine("qaflow-onnx", gpu.runtime().device(), "fp32", "1024 questions per call", 4096,
                    texts -> polls(texts, t -> gpu.embed(t), 1024)));
        }

        for (Engine e : engines) {
            e.run().accept(questions.subList(0, Math.min(256, e.slice()))); // warm-up
        }
        Map<Engine, List<Double>> rates = new LinkedHashMap<>();
        engines.forEach(e -> rates.put(e, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            int offset = (round * 523) % questions.size();
            List<Engine> order = new ArrayList<>(engines);
            Collections.rotate(order, round);
            for (Engine e : order) {
                List<String> slice = slice(questions, offset, e.slice());
                long start = System.nanoTime();
                e.run().accept(slice);
                rates.get(e).add(slice.size() / ((System.nanoTime() - start) / 1e9));
            }
        }

        double baseline = median(rates.get(engines.getFirst()));
        Engine bestCpu = null;
        for (Engine e : engines) {
            double rate = median(rates.get(e));
            System.out.printf(Locale.ROOT, "engine=%s device=%s precision=%s calls=\"%s\" threads=%s "
                            + "sentences_per_s=%.0f ratio_vs_langchain4j=%.2f rounds=%s%n", e.name(), e.device(),
                    e.precision(), e.calls(), e.name().equals("langchain4j")
                            ? "ort-default(" + Runtime.getRuntime().availableProcessors() + ")" : threads, rate,
                    rate / baseline, rates.get(e).stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList());
            if (e.device().equals("cpu") && e.name().startsWith("qaflow-onnx")
                    && (bestCpu == null || rate > median(rates.get(bestCpu)))) {
                bestCpu = e;
            }
        }
        if (gpu == null) {
            System.out.println("gpu: none (" + noGpu.orElseThrow() + ")");
        }
        double cpuRate = median(rates.get(bestCpu));
        String gpuRate = gpu == null ? "none"
                : String.format(Locale.ROOT, "%.0f", median(rates.get(engines.getLast())));
        System.out.printf(Locale.ROOT, "best cpu: engine=%s precision=%s calls=\"%s\"%n", bestCpu.name(),
                bestCpu.precision(), bestCpu.calls());
        if (gpu != null) {
            System.out.printf(Locale.ROOT, "gpu/cpu ratio: %.2f%n", median(rates.get(engines.getLast())) / cpuRate);
        }
        System.out.printf(Locale.ROOT, "embedder: cpu_ratio_vs_langchain4j=%.2f cpu_sentences_per_s=%.0f "
                + "gpu_sentences_per_s=%s device=%s%n", cpuRate / baseline, cpuRate, gpuRate,
                gpu == null ? "cpu" : gpu.runtime().device());

        callers.shutdownNow();
        batcher.close();
        fp32.close();
        int8.close();
        pyTorch.close();
        if (gpu != null) {
            gpu.close();
        }
    }

    private static List<String> slice(List<String> questions, int offset, int size) {
        List<String> slice = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            slice.add(questions.get((offset + i) % questions.size()));
        }
        return slice;
    }

    private static void polls(List<String> texts, Consumer<List<String>> embed) {
        polls(texts, embed, POLL);
    }

    private static void polls(List<String> texts, Consumer<List<String>> embed, int size) {
        for (int i = 0; i < texts.size(); i += size) {
            embed.accept(texts.subList(i, Math.min(texts.size(), i + size)));
        }
    }

    private static void concurrently(List<String> texts, EmbeddingBatcher batcher, ExecutorService callers) {
        List<CompletableFuture<float[][]>> calls = new ArrayList<>(texts.size());
        for (String text : texts) {
            calls.add(CompletableFuture.supplyAsync(() -> batcher.embed(List.of(text)), callers));
        }
        calls.forEach(CompletableFuture::join);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
