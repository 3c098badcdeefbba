package io.qaflow.embedder.embedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/** Feeds a padded batch to the BERT graph and mean-pools its last hidden state into unit vectors. */
final class MiniLmTranslator implements NoBatchifyTranslator<EncodedBatch, float[][]> {
    private static final String BATCH = "batch";
    private final int dimensions;

    MiniLmTranslator(int dimensions) {
        this.dimensions = dimensions;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, EncodedBatch batch) {
        ctx.setAttachment(BATCH, batch);
        NDManager manager = ctx.getNDManager();
        Shape shape = new Shape(batch.size(), batch.tokens());
        return new NDList(
                named(manager.create(flatten(batch.inputIds()), shape), "input_ids"),
                named(manager.create(flatten(batch.attentionMask()), shape), "attention_mask"),
                named(manager.create(flatten(batch.tokenTypeIds()), shape), "token_type_ids"));
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList output) {
        EncodedBatch batch = (EncodedBatch) ctx.getAttachment(BATCH);
        NDArray lastHiddenState = output.get(0);
        return MeanPooling.poolAndNormalise(lastHiddenState.toFloatArray(), batch.attentionMask(), batch.tokens(),
                dimensions);
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    private static long[] flatten(long[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }
}
