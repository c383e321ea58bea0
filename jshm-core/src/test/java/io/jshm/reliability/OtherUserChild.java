package io.jshm.reliability;

import io.jshm.Access;
import io.jshm.Lifetime;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The child of {@link OtherUserTest}, run as another user ({@code nobody}) with only jshm-core's
 * classes and this one on its class path. Prints one line per step and exits 0.
 *
 * <pre>
 * open NAME rw|ro   opens; prints OPENED MARK=&lt;long at 0&gt;, or DENIED &lt;exception&gt;; for ro, then tries
 *                   a plain write and a CAS and prints WRITE &lt;exception&gt; and CAS &lt;exception&gt;
 * squat NAME        creates NAME persistent, mode 0666, as a squatter would; prints SQUATTED
 * </pre>
 */
public final class OtherUserChild {

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private OtherUserChild() {
    }

    public static void main(String[] args) {
        String name = args[1];
        switch (args[0]) {
            case "open" -> open(name, args[2].equals("ro") ? Access.READ_ONLY : Access.READ_WRITE);
            case "squat" -> {
                SharedMemory shm = SharedMemory.create(name, 4096, SharedMemoryOptions.defaults()
                        .withLifetime(Lifetime.PERSISTENT).withMode(0666));
                shm.close();
                System.out.println("SQUATTED");
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void open(String name, Access access) {
        SharedMemory shm;
        try {
            shm = SharedMemory.open(name, access);
        } catch (RuntimeException e) {
            System.out.println("DENIED " + e.getClass().getName() + ": " + e.getMessage());
            return;
        }
        try (shm) {
            System.out.println("OPENED MARK=" + shm.segment().get(ValueLayout.JAVA_LONG, 0));
            if (access == Access.READ_ONLY) {
                try {
                    shm.segment().set(ValueLayout.JAVA_LONG, 0, 1L);
                    System.out.println("WRITE done");
                } catch (RuntimeException e) {
                    System.out.println("WRITE " + e.getClass().getName());
                }
                try {
                    LONG.compareAndSet(shm.segment(), 0L, 0L, 1L);
                    System.out.println("CAS done");
                } catch (RuntimeException e) {
                    System.out.println("CAS " + e.getClass().getName());
                }
            }
        }
    }
}
