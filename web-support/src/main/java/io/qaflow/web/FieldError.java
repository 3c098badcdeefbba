package io.qaflow.web;

/** One offending part of a request: a JSON field path ({@code documents[2].text}), a header or {@code body}. */
public record FieldError(String field, String message) {}
