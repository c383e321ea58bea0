package io.jshm.cli;

import java.io.Serial;

/**
 * A command could not do what was asked, for a reason the command itself found (an offset past
 * the end, input that does not fit). Reported as one line on stderr, exit code 1.
 */
final class CommandException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    CommandException(String message) {
        super(message);
    }
}
