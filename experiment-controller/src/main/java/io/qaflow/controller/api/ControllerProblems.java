package io.qaflow.controller.api;

import io.qaflow.controller.ExperimentService.AnotherExperimentRunningException;
import io.qaflow.controller.ExperimentService.NotReadyException;
import io.qaflow.controller.ExperimentService.UnknownExperimentException;
import io.qaflow.controller.ExperimentService.UnknownPromptVersionException;
import io.qaflow.controller.prompt.PromptRegistry.UnknownPromptException;
import io.qaflow.controller.prompt.PromptRegistry.VersionConflictException;
import io.qaflow.controller.state.InvalidTransitionException;
import io.qaflow.kafka.PublishFailedException;
import io.qaflow.web.FieldError;
import io.qaflow.web.Problem;
import io.qaflow.web.ProblemException;
import io.qaflow.web.ProblemMapper;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's failures as problems: 404 for an unknown experiment or prompt, 409 for a transition the lifecycle
 * does not allow (naming the current status), a prompt version the controller has not seen or one registered before
 * with other texts, 503 while it is not caught up or Kafka does not acknowledge, 400 for an invalid argument.
 */
public final class ControllerProblems implements ProblemMapper {
    private static final Logger log = LoggerFactory.getLogger(ControllerProblems.class);

    @Override
    public Optional<ProblemException> map(Throwable error) {
        Problem problem = switch (error) {
            case UnknownExperimentException unknown -> about(Problem.of(404, "unknown-experiment",
                    "Unknown experiment", "no experiment " + unknown.experimentId() + " is known",
                    List.of(new FieldError("id", "no such experiment"))), unknown.experimentId(), null);
            case InvalidTransitionException invalid -> about(Problem.of(409, "invalid-transition",
                    "Invalid transition", invalid.getMessage(), List.of(new FieldError("status", "is "
                            + invalid.current() + ", which cannot go to " + invalid.requested()))),
                    invalid.experimentId(), invalid.current().name());
            case AnotherExperimentRunningException running -> about(Problem.of(409, "another-experiment-running",
                    "Another experiment is running", running.getMessage(), List.of(new FieldError("status",
                            "experiment " + running.runningExperimentId() + " is RUNNING"))),
                    running.experimentId(), running.status());
            case UnknownPromptVersionException unknown -> about(Problem.of(409, "unknown-prompt-version",
                    "Unknown prompt version", unknown.getMessage(),
                    List.of(new FieldError("winner.promptVersion", "prompt version " + unknown.versionKey()
                            + " is not on the prompt topic"))), unknown.experimentId(), unknown.status());
            case VersionConflictException conflict -> Problem.of(409, "prompt-version-exists",
                    "Prompt version exists", conflict.getMessage(), List.of(new FieldError("version",
                            conflict.versionKey() + " is already registered with other texts")));
            case UnknownPromptException unknown -> Problem.of(404, "unknown-prompt", "Unknown prompt",
                    unknown.getMessage(), List.of(unknown.version() == null
                            ? new FieldError("name", "no prompt " + unknown.name() + " is registered")
                            : new FieldError("version", "is not a registered version of " + unknown.name())));
            case NotReadyException notReady -> Problem.of(503, "not-ready", "Service unavailable",
                    notReady.getMessage(), null);
            case PublishFailedException failed -> {
                log.warn("Kafka did not acknowledge: {}", failed.getMessage());
                yield Problem.of(503, "service-unavailable", "Service unavailable",
                        "Kafka did not acknowledge the change; it may or may not have been recorded, retry later",
                        null);
            }
            case IllegalArgumentException invalid -> Problem.of(400, "invalid-request", "Invalid request",
                    invalid.getMessage(), List.of(new FieldError("body", invalid.getMessage())));
            default -> null;
        };
        return Optional.ofNullable(problem).map(ProblemException::new);
    }

    private static Problem about(Problem problem, String experimentId, String currentStatus) {
        return problem.with("experimentId", experimentId).with("currentStatus", currentStatus);
    }
}
