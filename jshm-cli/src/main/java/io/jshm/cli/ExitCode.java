package io.jshm.cli;

/** The exit codes of {@code jshm}, listed in the top-level {@code --help}. */
final class ExitCode {
    private ExitCode() {
    }

    /** The command did what was asked. */
    static final int OK = 0;
    /** The command failed; one line on stderr says what, which region and why. */
    static final int FAILURE = 1;
    /** The command line was wrong: unknown command or option, missing or bad argument. */
    static final int USAGE = 2;
    /** The region (or file) does not exist. */
    static final int NOT_FOUND = 3;
}
