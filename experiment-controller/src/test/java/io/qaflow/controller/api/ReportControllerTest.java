package io.qaflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qaflow.web.ProblemException;
import org.junit.jupiter.api.Test;

class ReportControllerTest {

    @Test
    void htmlOnlyWhenAskedForByFormatOrPreferredByAccept() {
        assertThat(ReportController.wantsHtml(null, null)).isFalse();
        assertThat(ReportController.wantsHtml(null, "*/*")).isFalse();
        assertThat(ReportController.wantsHtml(null, "application/json")).isFalse();
        assertThat(ReportController.wantsHtml(null, "text/html")).isTrue();
        assertThat(ReportController.wantsHtml(null,
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")).isTrue();
        assertThat(ReportController.wantsHtml(null, "application/json, text/html;q=0.5")).isFalse();
        assertThat(ReportController.wantsHtml("html", "application/json")).isTrue();
        assertThat(ReportController.wantsHtml("JSON", "text/html")).isFalse();
        assertThat(ReportController.wantsHtml(null, "not a type;;")).isFalse();
        assertThatThrownBy(() -> ReportController.wantsHtml("pdf", null)).isInstanceOf(ProblemException.class);
    }
}
