package io.jshm.sync;

import io.jshm.testing.ChildGroup;

import java.util.function.IntFunction;

/** A group of {@link SyncChild} processes that are started together and all killed on close. */
final class Children extends ChildGroup {

    /** An empty group; {@link #launch} adds to it. */
    Children() {
        super(SyncChild.class);
    }

    /** Starts {@code count} children; {@code args.apply(i)} gives the arguments of child i. */
    static Children start(int count, IntFunction<String[]> args) {
        Children children = new Children();
        try {
            for (int i = 0; i < count; i++) {
                children.launch(args.apply(i));
            }
            return children;
        } catch (RuntimeException | Error e) {
            children.closeQuietly(e);
            throw e;
        }
    }
}
