package io.qaflow.model.prompt;

/** A template with its variables filled in, ready to send as a system and a user message. */
public record RenderedPrompt(String templateName, String templateVersion, String system, String user) {}
