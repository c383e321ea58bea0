package io.jshm.internal.os;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Waiting on a word of shared memory on Windows, across processes. {@code WaitOnAddress} works
 * within one process only, so a waiter sleeps on a named semaphore whose name says which word:
 * {@code <region object name>#w<offset in hex>}, for example {@code Local\orders#w80}. Every process
 * that maps the region derives the same name from the address it waits on, through the table of
 * its own views that {@link WindowsPlatform} keeps here; memory outside any region gets a name
 * private to this process.
 *
 * <p>The protocol, as the futex's: a waiter creates (or opens) the semaphore, then compares the
 * word, then waits; a waker changes the word, then opens the semaphore and releases it. A waker
 * that finds no semaphore has no waiter to wake (a waiter that comes later compares after its
 * create, so it sees the new value). A release with nobody waiting leaves a count that wakes the
 * next waiter early: a spurious wake-up, which callers tolerate as they do the futex's. A wake of
 * many releases at most {@link #MAX_RELEASE}; waiters beyond that see the change at the end of
 * their slice (see {@code io.jshm.internal.Waiting}).
 */
final class WindowsWaits {

    /** The most one wake releases, which bounds the spurious wake-ups a wake of all can cause. */
    static final int MAX_RELEASE = 64;
    private static final VarHandle WORD = JAVA_INT.varHandle();

    private final Win32 win32;
    private final String privatePrefix;
    private final ConcurrentSkipListMap<Long, View> views = new ConcurrentSkipListMap<>();

    private record View(long address, long length, String key, long offset) {
    }

    WindowsWaits(Win32 win32, String namespace) {
        this.win32 = win32;
        this.privatePrefix = namespace + "jshm-process-" + Integer.toUnsignedString(win32.currentProcessId()) + "#w";
    }

    /** {@return the wait key of a file-backed region: its path, normalised and hashed (paths may hold '\')} */
    static String fileKey(String namespace, Path path) {
        String normal = path.toAbsolutePath().normalize().toString().toLowerCase(Locale.ROOT);
        long hash = 0xcbf29ce484222325L; // FNV-1a, 64 bits
        for (byte b : normal.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return namespace + "jshm-file-" + Long.toHexString(hash);
    }

    /** Records a view of a region, mapped at {@code address} from {@code offset} of the region keyed {@code key}. */
    void register(long address, long length, String key, long offset) {
        views.put(address, new View(address, length, key, offset));
    }

    void unregister(long address) {
        views.remove(address);
    }

    /** {@return the semaphore name for the word at {@code address}} */
    String semaphoreName(long address) {
        Map.Entry<Long, View> entry = views.floorEntry(address);
        if (entry != null) {
            View v = entry.getValue();
            if (address - v.address() < v.length()) {
                return v.key() + "#w" + Long.toHexString(v.offset() + (address - v.address()));
            }
        }
        return privatePrefix + Long.toHexString(address);
    }

    WaitOutcome await(long address, int expected, long timeoutNanos) {
        String name = semaphoreName(address);
        long semaphore = win32.createSemaphore(Integer.MAX_VALUE, name);
        try {
            int now = (int) WORD.getAcquire(MemorySegment.ofAddress(address).reinterpret(Integer.BYTES), 0L);
            if (now != expected) {
                return WaitOutcome.VALUE_CHANGED;
            }
            int millis = (int) Math.min(0xFFFF_FFFEL, Math.max(0, (timeoutNanos + 999_999) / 1_000_000));
            return win32.waitForSingleObject(semaphore, millis, name) == Win32.WAIT_OBJECT_0
                    ? WaitOutcome.WOKEN : WaitOutcome.TIMED_OUT;
        } finally {
            win32.closeHandle(semaphore);
        }
    }

    void wake(long address, int count) {
        if (count <= 0) {
            return;
        }
        String name = semaphoreName(address);
        long semaphore = win32.openSemaphoreIfAny(name);
        if (semaphore == 0) {
            return; // nobody waits on this word
        }
        try {
            win32.releaseSemaphore(semaphore, Math.min(count, MAX_RELEASE), name);
        } finally {
            win32.closeHandle(semaphore);
        }
    }
}
