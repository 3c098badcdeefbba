package io.qaflow.web;

import java.util.Optional;

/**
 * A service's own exceptions as problems (an unknown experiment as 404, a refused transition as 409, …). Every
 * {@code ProblemMapper} bean is asked, in order, before the framework's errors are mapped; what none maps is a 500.
 */
@FunctionalInterface
public interface ProblemMapper {
    Optional<ProblemException> map(Throwable error);
}
