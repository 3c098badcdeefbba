package io.qaflow.answer.worker;

/** A terminal event the broker did not accept, after every attempt of the publisher. */
final class UndeliverableException extends Exception {
    UndeliverableException(String what, Throwable cause) {
        super("publishing " + what + " failed: " + cause, cause);
    }
}
