package io.qaflow.answer.llm;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an HTTP {@code Retry-After} value: delay seconds, or an HTTP date. */
final class RetryAfter {
    private RetryAfter() {}

    /** The delay it asks for; null when the value is absent or unreadable. A date in the past reads as zero. */
    static Duration parse(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration delay = Duration.between(clock.instant(), at.toInstant());
                return delay.isNegative() ? Duration.ZERO : delay;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
