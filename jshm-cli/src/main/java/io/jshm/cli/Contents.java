package io.jshm.cli;

import io.jshm.InvalidNameException;
import io.jshm.JshmException;
import io.jshm.RegionInfo;
import io.jshm.RegionView;
import io.jshm.queue.QueueState;
import io.jshm.sync.PrimitiveState;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What a region holds, recognised from the header at its start through a {@link RegionView}
 * (which holds nothing and writes nothing), the way {@code file(1)} recognises files.
 *
 * @param kind      {@code raw} (no header jshm knows), {@code queue/spsc|mpsc|broadcast},
 *                  {@code mutex}, {@code semaphore}, {@code event}, {@code seqlock},
 *                  {@code posix-semaphore} (glibc's {@code sem_open} objects, by name), {@code -}
 *                  (stale or incomplete: not looked at) or {@code ?} (could not be read)
 * @param queue     the queue's state, for a queue
 * @param primitive the primitive's state, for a synchronization primitive
 * @param problem   why it could not be read or recognised, for {@code ?} and corrupt headers
 */
record Contents(String kind, QueueState queue, PrimitiveState primitive, String problem) {

    static final String NOT_LOOKED_AT = "-";
    static final String UNREADABLE = "?";

    /** {@return what the region holds} Stale and incomplete regions are not opened at all. */
    static Contents of(RegionInfo info) {
        if (info.stale() || !info.complete()) {
            return new Contents(NOT_LOOKED_AT, null, null, null);
        }
        if (info.name().startsWith("sem.") && info.size() == 32) {
            return new Contents("posix-semaphore", null, null, null);
        }
        try (RegionView view = open(info)) {
            return of(view);
        } catch (JshmException e) {
            return new Contents(UNREADABLE, null, null, e.getMessage());
        }
    }

    /** {@return a view by name, or by path for an object whose name jshm does not accept} */
    static RegionView open(RegionInfo info) {
        if (!info.path().equals(info.name()) && !info.name().contains("/")) {
            try {
                return RegionView.open(info.name());
            } catch (InvalidNameException foreign) {
                // not a name jshm accepts (made by another program): look at it by its path
            }
        }
        return RegionView.open(Path.of(info.path()));
    }

    /** {@return what the viewed region holds} */
    static Contents of(RegionView view) {
        try {
            var queue = QueueState.inspect(view.segment(), view.name());
            if (queue.isPresent()) {
                return new Contents("queue/" + queue.get().counters().type().name().toLowerCase(Locale.ROOT),
                        queue.get(), null, null);
            }
        } catch (JshmException corrupt) {
            return new Contents("corrupt-queue", null, null, corrupt.getMessage());
        }
        return PrimitiveState.inspect(view.segment(), 0)
                .map(p -> new Contents(p.kind(), null, p, null))
                .orElseGet(() -> new Contents("raw", null, null, null));
    }
}
