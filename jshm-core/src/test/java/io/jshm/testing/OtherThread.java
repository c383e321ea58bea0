package io.jshm.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a task on a thread of its own, for tests of what a thread that is not the owner may do. */
public final class OtherThread {
    private OtherThread() {
    }

    /** What a task returned ({@code value}) or threw ({@code thrown}, else null). */
    public record Outcome(Object value, Throwable thrown) {
    }

    /**
     * Runs {@code task} on a new daemon thread and waits up to 20 s for it.
     * {@return what it returned or threw}
     *
     * @throws java.util.concurrent.TimeoutException if it has not finished by then
     */
    public static Outcome run(Callable<?> task) throws Exception {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                outcome.complete(new Outcome(task.call(), null));
            } catch (Throwable e) {
                outcome.complete(new Outcome(null, e));
            }
        }, "other-thread");
        t.setDaemon(true);
        t.start();
        return outcome.get(20, TimeUnit.SECONDS);
    }
}
