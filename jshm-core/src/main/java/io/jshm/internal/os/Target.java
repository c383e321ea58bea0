package io.jshm.internal.os;

import java.nio.file.Path;

/** What a region is backed by: a named shared-memory object, or a file. */
public sealed interface Target {

    /** {@return the name to show in messages: the region name, or the file's path} */
    String display();

    /** A named object in the platform's shared-memory namespace (POSIX: {@code /name}). */
    record Named(String name) implements Target {
        @Override
        public String display() {
            return name;
        }
    }

    /** A region backed by a file, which outlives every process and a restart. */
    record File(Path path) implements Target {
        @Override
        public String display() {
            return path.toString();
        }
    }
}
