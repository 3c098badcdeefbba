package io.qaflow.answer.cost;

import io.qaflow.model.TokenUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns token usage into US dollars with a per-model price table. Models without a price (the extractive answerer,
 * a local model) cost 0; an unpriced model is logged once so a missing entry is noticed.
 */
public final class PriceTable {
    private static final Logger log = LoggerFactory.getLogger(PriceTable.class);
    private static final double PER_MILLION = 1_000_000.0;

    private final Map<String, ModelPrice> prices;
    private final Set<String> free;
    private final Set<String> reportedUnpriced = ConcurrentHashMap.newKeySet();

    /**
     * @param prices price per model name
     * @param free model names that cost nothing by design (not warned about)
     */
    public PriceTable(Map<String, ModelPrice> prices, Set<String> free) {
        this.prices = Map.copyOf(prices);
        this.free = Set.copyOf(free);
    }

    public double costUsd(String model, TokenUsage usage) {
        ModelPrice price = prices.get(model);
        if (price == null) {
            if (!free.contains(model) && reportedUnpriced.add(model)) {
                log.warn("no price for model '{}' in qaflow.answer.prices; its answers are costed at 0", model);
            }
            return 0.0;
        }
        return (usage.promptTokens() * price.inputPerMillion() + usage.completionTokens() * price.outputPerMillion())
                / PER_MILLION;
    }
}
