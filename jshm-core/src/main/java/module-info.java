/**
 * jshm: named inter-process shared memory for the JVM, on the Foreign Function &amp; Memory API.
 *
 * <p>{@link io.jshm.SharedMemory} is the entry point: create, open, map, close and unlink named
 * regions that any process on the host (Java, C, Python) can share by name.
 */
module io.jshm {
    exports io.jshm;
    exports io.jshm.sync;
    exports io.jshm.queue;
}
