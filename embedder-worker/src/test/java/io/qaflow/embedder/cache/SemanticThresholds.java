package io.qaflow.embedder.cache;

import io.qaflow.testkit.squad.Paraphrases;
import io.qaflow.embedder.embedding.EmbeddingModel;
import io.qaflow.model.cache.AnswerCacheKey;
import io.qaflow.testkit.squad.Squad;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures what a semantic-cache threshold does with a real model: the share of SQuAD paraphrase pairs at or above
 * it (hits the cache should give) and, over every pair of different SQuAD questions, how many reach it (the
 * candidates for a wrong hit). Pairs of different questions about the same paragraph are counted apart: SQuAD often
 * asks one thing twice in other words, so those are not all wrong hits.
 */
final class SemanticThresholds {
    static final double[] THRESHOLDS = {0.80, 0.85, 0.90, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98};

    /** A pair of different questions and their similarity. */
    record ScoredPair(String first, String second, double similarity, boolean sameParagraph) {}

    record Report(List<Paraphrases.Pair> paraphrases, double[] paraphraseSimilarities, int questions,
                  long unrelatedPairs,
                  Map<Double, Long> unrelatedAbove, Map<Double, Long> unrelatedAboveOtherParagraph,
                  List<ScoredPair> closestUnrelated) {

        int paraphrasePairs() {
            return paraphrases.size();
        }

        double paraphraseShareAtOrAbove(double threshold) {
            long n = 0;
            for (double s : paraphraseSimilarities) {
                if (s >= threshold) {
                    n++;
                }
            }
            return (double) n / paraphraseSimilarities.length;
        }

        double unrelatedShareAtOrAbove(double threshold) {
            return (double) unrelatedAbove.get(threshold) / unrelatedPairs;
        }

        String table() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "semantic cache thresholds (all-MiniLM-L6-v2): %d SQuAD paraphrase "
                    + "pairs; %d distinct SQuAD questions = %,d pairs of different questions%n", paraphrasePairs(),
                    questions, unrelatedPairs));
            out.append(String.format(Locale.ROOT, "%9s | %17s | %27s | %27s%n", "threshold", "paraphrases hit",
                    "different questions >= t", "... about other paragraphs"));
            for (double t : THRESHOLDS) {
                long above = unrelatedAbove.get(t);
                long other = unrelatedAboveOtherParagraph.get(t);
                out.append(String.format(Locale.ROOT, "%9.2f | %3d/%3d = %6.1f%% | %,9d = %9.4f%% | %,9d = %9.4f%%%n",
                        t, Math.round(paraphraseShareAtOrAbove(t) * paraphrasePairs()), paraphrasePairs(),
                        100 * paraphraseShareAtOrAbove(t), above, 100.0 * above / unrelatedPairs, other,
                        100.0 * other / unrelatedPairs));
            }
            double[] sorted = paraphraseSimilarities.clone();
            java.util.Arrays.sort(sorted);
            out.append(String.format(Locale.ROOT, "paraphrase similarity: min %.3f, median %.3f, max %.3f%n",
                    sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]));
            out.append("paraphrase pairs, least similar first:\n");
            Integer[] order = new Integer[paraphraseSimilarities.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, Comparator.comparingDouble(i -> paraphraseSimilarities[i]));
            for (int i : order) {
                out.append(String.format(Locale.ROOT, "  %.4f %s | %s%n", paraphraseSimilarities[i],
                        paraphrases.get(i).original(), paraphrases.get(i).paraphrase()));
            }
            out.append("closest pairs of different questions:\n");
            for (ScoredPair p : closestUnrelated) {
                out.append(String.format(Locale.ROOT, "  %.4f %s | %s | %s%n", p.similarity(),
                        p.sameParagraph() ? "same paragraph " : "other paragraph", p.first(), p.second()));
            }
            return out.toString();
        }
    }

    private SemanticThresholds() {}

    /** @param questions how many distinct SQuAD questions (in file order) to pair with each other */
    static Report measure(EmbeddingModel model, Paraphrases paraphrases, int questions) {
        List<String> originals = paraphrases.pairs().stream().map(Paraphrases.Pair::original).toList();
        List<String> rewritten = paraphrases.pairs().stream().map(Paraphrases.Pair::paraphrase).toList();
        float[][] a = model.embed(originals);
        float[][] b = model.embed(rewritten);
        double[] paraphraseSimilarities = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            paraphraseSimilarities[i] = dot(a[i], b[i]);
        }

        // distinct by normalised text: two spellings of one question would be an exact hit, not a semantic one
        Map<String, Squad.Question> distinct = new LinkedHashMap<>();
        for (Squad.Question q : Squad.all().questions()) {
            if (distinct.size() == questions) {
                break;
            }
            distinct.putIfAbsent(AnswerCacheKey.normalize(q.question()), q);
        }
        List<Squad.Question> picked = new ArrayList<>(distinct.values());
        float[][] vectors = model.embed(picked.stream().map(Squad.Question::question).toList());
        Map<Double, Long> above = new LinkedHashMap<>();
        Map<Double, Long> aboveOther = new LinkedHashMap<>();
        for (double t : THRESHOLDS) {
            above.put(t, 0L);
            aboveOther.put(t, 0L);
        }
        List<ScoredPair> closest = new ArrayList<>();
        long pairs = 0;
        for (int i = 0; i < vectors.length; i++) {
            for (int j = i + 1; j < vectors.length; j++) {
                pairs++;
                double s = dot(vectors[i], vectors[j]);
                if (s < THRESHOLDS[0]) {
                    continue;
                }
                boolean same = picked.get(i).goldDocumentId().equals(picked.get(j).goldDocumentId());
                for (double t : THRESHOLDS) {
                    if (s >= t) {
                        above.merge(t, 1L, Long::sum);
                        if (!same) {
                            aboveOther.merge(t, 1L, Long::sum);
                        }
                    }
                }
                if (s >= 0.9) {
                    closest.add(new ScoredPair(picked.get(i).question(), picked.get(j).question(), s, same));
                }
            }
        }
        closest.sort(Comparator.comparingDouble(ScoredPair::similarity).reversed());
        return new Report(paraphrases.pairs(), paraphraseSimilarities, picked.size(), pairs, above, aboveOther,
                List.copyOf(closest.subList(0, Math.min(12, closest.size()))));
    }

    static double dot(float[] x, float[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }
}
