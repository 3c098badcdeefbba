package io.qaflow.controller.api;

import io.qaflow.model.prompt.InvalidPromptException;
import io.qaflow.web.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the reasons a template was refused ({@link InvalidPromptException#problems()}, one sentence each) into field
 * errors naming the message they are about: {@code system} or {@code user} for a variable the worker does not provide
 * (both when both use it) and for a malformed placeholder, {@code user} for a required variable neither uses.
 */
final class TemplateProblems {
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{([a-zA-Z][a-zA-Z0-9_]*)}}");

    private TemplateProblems() {}

    static List<FieldError> fieldErrors(InvalidPromptException invalid, String system, String user) {
        List<FieldError> errors = new ArrayList<>();
        for (String problem : invalid.problems()) {
            String message = problem.startsWith("it ") ? problem.substring(3) : problem;
            if (problem.startsWith("its system message")) {
                errors.add(new FieldError("system", message));
            } else if (problem.startsWith("its user message")) {
                errors.add(new FieldError("user", message));
            } else if (problem.startsWith("it uses ")) {
                Matcher m = VARIABLE.matcher(problem);
                String variable = m.find() ? m.group(1) : "";
                boolean inSystem = uses(system, variable);
                if (inSystem) {
                    errors.add(new FieldError("system", message));
                }
                if (uses(user, variable) || !inSystem) {
                    errors.add(new FieldError("user", message));
                }
            } else {
                errors.add(new FieldError("user", message));
            }
        }
        return errors;
    }

    private static boolean uses(String text, String variable) {
        return text != null && Pattern.compile("\\{\\{\\s*" + Pattern.quote(variable) + "\\s*}}").matcher(text).find();
    }
}
