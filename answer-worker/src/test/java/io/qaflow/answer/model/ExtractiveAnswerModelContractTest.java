package io.qaflow.answer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.qaflow.answer.extractive.ExtractiveAnswerModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractiveAnswerModelContractTest extends AnswerModelContract {
    private final ExtractiveAnswerModel model = new ExtractiveAnswerModel("extractive", 0.8, 0.3, 0.3);

    @Override
    protected AnswerModel model() {
        return model;
    }

    @Test
    void marksItsUsageAsEstimated() {
        assertThat(model.answer(request("What is the capital of Germany?", List.of(GEOGRAPHY))).usage().estimated())
                .isTrue();
    }
}
