package io.jshm.testing;

import io.jshm.Lifetime;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The child side of the cross-process tests: a real JVM that creates or opens a region, prints
 * what happened on stdout, and then obeys one command from stdin ({@code close}). When stdin ends
 * without a command it exits without closing, which the kernel treats like a crash.
 *
 * <pre>
 * create NAME SIZE [persistent]   creates, writes {@link #CHILD_MARK} at offset 0, prints HELD created=true
 * open NAME                       opens, prints HELD created=false
 * openOrCreate NAME SIZE          prints READY, waits for "go", then prints HELD created=true|false
 * echo NAME                       opens, waits for the parent's message (flag word 1), answers (flag word 2), prints DONE
 * umaskCreate NAME                prints UMASK_FILE perms (a plain file made under this umask), creates, prints HELD
 * </pre>
 *
 * <h2>The echo layout</h2>
 * offset 0: int flag (0 empty, 1 message written by parent, 2 answer written by child), release/acquire;
 * offset 8: int message length; 16: message bytes; 1024: int answer length; 1032: answer bytes.
 */
public final class RegionChild {

    public static final String CHILD_MARK = "written-by-child";
    public static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    public static final long FLAG = 0;
    public static final long MESSAGE = 8;
    public static final long ANSWER = 1024;
    public static final String ANSWER_PREFIX = "echo:";

    private RegionChild() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String action = args[0];
        String name = args[1];
        SharedMemory shm = switch (action) {
            case "create" -> {
                SharedMemoryOptions options = SharedMemoryOptions.defaults();
                if (args.length > 3 && args[3].equals("persistent")) {
                    options = options.withLifetime(Lifetime.PERSISTENT);
                }
                SharedMemory created = SharedMemory.create(name, Long.parseLong(args[2]), options);
                writeString(created.segment(), 0, CHILD_MARK);
                yield created;
            }
            case "open" -> SharedMemory.open(name);
            case "openOrCreate" -> {
                System.out.println("READY");
                System.out.flush();
                String go = in.readLine();
                if (!"go".equals(go)) {
                    System.exit(2);
                }
                yield SharedMemory.openOrCreate(name, Long.parseLong(args[2]));
            }
            case "echo" -> {
                SharedMemory opened = SharedMemory.open(name);
                echo(opened.segment());
                System.out.println("DONE");
                yield opened;
            }
            case "umaskCreate" -> {
                // A plain file made with default permissions (0666 & ~umask) shows the umask in force.
                Path probe = Files.createFile(Path.of(System.getProperty("java.io.tmpdir"),
                        "jshm-umask-" + ProcessHandle.current().pid() + ".probe"));
                try {
                    System.out.println("UMASK_FILE " + PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)));
                } finally {
                    Files.delete(probe);
                }
                yield SharedMemory.create(name, 4096);
            }
            default -> throw new IllegalArgumentException("unknown action " + action);
        };
        System.out.println("HELD created=" + shm.created());
        System.out.flush();
        String command;
        while ((command = in.readLine()) != null) {
            if (command.equals("close")) {
                shm.close();
                System.out.println("CLOSED");
                System.out.flush();
                System.exit(0);
            }
        }
        // stdin ended: leave without closing, as a crashed process would
        System.exit(3);
    }

    private static void echo(MemorySegment seg) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((int) INT.getAcquire(seg, FLAG) != 1) { // pairs with the parent's setRelease(FLAG, 1)
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no message from the parent within 20 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        String message = readString(seg, MESSAGE);
        writeString(seg, ANSWER, ANSWER_PREFIX + message);
        INT.setRelease(seg, FLAG, 2); // pairs with the parent's getAcquire(FLAG) == 2
    }

    /** Writes an int length at {@code offset} and the UTF-8 bytes after it (at offset + 8). */
    public static void writeString(MemorySegment seg, long offset, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        seg.set(ValueLayout.JAVA_INT, offset, bytes.length);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, offset + 8, bytes.length);
    }

    /** Reads what {@link #writeString} wrote. */
    public static String readString(MemorySegment seg, long offset) {
        int length = seg.get(ValueLayout.JAVA_INT, offset);
        byte[] bytes = new byte[length];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, offset + 8, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
