package io.qaflow.gateway.access;

import java.util.Locale;

/** What an API key may do. Configured in lower case ({@code ask}, {@code documents}, {@code admin}). */
public enum Scope {
    /** Questions: ask, submit, poll, stream, feedback. */
    ASK,
    /** Add, replace and delete documents. */
    DOCUMENTS,
    /** Operate the caches ({@code /v1/cache/**}). */
    ADMIN;

    /** The name as configured and as told to clients. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
