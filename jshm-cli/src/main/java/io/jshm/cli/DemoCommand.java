package io.jshm.cli;

import io.jshm.JshmException;
import io.jshm.NoSuchRegionException;
import io.jshm.RegionInfo;
import io.jshm.SharedMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@code jshm demo}: the Windows file-mapping example with two real processes.
 *
 * <p>The frame the two processes share:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     flag (int, little-endian)                 |  0: 0 empty, 1 message, 2 answer
 *  +---------------------------------------------------------------+
 *  |                        (unused to 128)                       ...
 *  +---------------------------------------------------------------+
 *  |        message: UTF-8, NUL-terminated, from the first process ...  128
 *  +---------------------------------------------------------------+
 *  |        answer: UTF-8, NUL-terminated, from the peer          ...  4096
 *  +---------------------------------------------------------------+
 *  |                 rest of the 1024 x 768 frame                 ...  to 786432
 *  +---------------------------------------------------------------+
 * </pre>
 * The flag is written with release stores and read with acquire loads, so the text written
 * before a store is visible to the process whose load sees it.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Shows two processes sharing memory, step by step, as the Windows file-mapping example does.",
            "",
            "This process creates region filemapping_<pid> of 1024 x 768 bytes (CreateFileMapping), maps it"
                    + " (MapViewOfFile), clears it (memset) and writes a message (memcpy). It starts a second JVM"
                    + " that opens the region by name (OpenFileMapping), reads the message, writes an answer and"
                    + " raises a flag; this process reads the answer, both close (UnmapViewOfFile, CloseHandle),"
                    + " and the region is gone: the last close removed it.",
            "",
            "The region lives until last close, so a killed demo does not leave it behind: the other process's"
                    + " close removes it, and if both die it is stale (shown by 'jshm ls') and the next demo"
                    + " removes it. No step waits more than 30 s.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {"  jshm demo"})
final class DemoCommand implements Callable<Integer> {

    static final String PREFIX = "filemapping_";
    static final long FRAME_SIZE = 1024 * 768;
    static final long FLAG_OFFSET = 0;
    static final long MESSAGE_OFFSET = 128;
    static final long ANSWER_OFFSET = 4096;
    static final int MESSAGE_READY = 1;
    static final int ANSWER_READY = 2;
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final VarHandle FLAG = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    @ParentCommand
    private JshmCommand root;

    @Spec
    private CommandSpec spec;

    @Option(names = "--peer", hidden = true, paramLabel = "NAME",
            description = "Play the second process, on region NAME (the demo starts it so).")
    private String peer;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        return peer == null ? runFirst(out) : runPeer(out, peer);
    }

    // ------------------------------------------------------------------ the first process

    private int runFirst(PrintWriter out) throws Exception {
        long pid = ProcessHandle.current().pid();
        Narrator say = new Narrator(out, "[demo " + pid + "] ");
        removeStaleLeftovers(say);
        String name = PREFIX + pid;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        AtomicReference<Process> peerProcess = new AtomicReference<>();
        AtomicBoolean stopping = new AtomicBoolean();
        long peerPid;
        try (SharedMemory shm = SharedMemory.create(name, FRAME_SIZE)) {
            // On Ctrl-C or kill (SIGTERM): stop the peer, then close, so the region goes at once.
            Thread cleanup = new Thread(() -> {
                stopping.set(true);
                killAndClose(peerProcess.get(), shm);
            }, "jshm-demo-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                peerPid = share(shm, say, deadline, peerProcess, out);
            } catch (IllegalStateException | CommandException e) {
                if (stopping.get()) { // the cleanup hook killed the peer or closed the region under us
                    throw new CommandException("stopped: this JVM is shutting down; stopped the peer and closed '"
                            + name + "'");
                }
                throw e;
            } finally {
                killAndClose(peerProcess.get(), null);
                removeHook(cleanup);
            }
            shm.close();
            say.step(13, "UnmapViewOfFile + CloseHandle: closed the last handle to '%s'", name);
        }
        if (SharedMemory.exists(name)) {
            throw new CommandException("region '" + name + "' is still there after its last handle closed");
        }
        say.step(14, "region '%s' is gone: the last close removed it, as Windows frees a mapping when its last"
                + " handle closes", name);
        say.line("done: processes " + pid + " and " + peerPid + " shared memory through region '" + name + "'");
        return ExitCode.OK;
    }

    /** Steps 1 to 12: fill the frame, start the peer, wait for its answer and its exit. {@return the peer's pid} */
    private long share(SharedMemory shm, Narrator say, long deadline, AtomicReference<Process> peerProcess,
                       PrintWriter out) throws IOException, InterruptedException {
        String name = shm.name();
        long pid = ProcessHandle.current().pid();
        say.step(1, "CreateFileMapping: created region '%s' of %d bytes (%s, a 1024 x 768 frame), lifetime %s",
                name, shm.size(), ByteSize.format(shm.size()), ListCommand.lifetimeName(shm.lifetime()));
        MemorySegment view = shm.segment();
        say.step(2, "MapViewOfFile: mapped a view of all %d bytes", view.byteSize());
        view.fill((byte) 0);
        say.step(3, "memset: filled the frame with zeros");
        String message = "Message from the first process (pid " + pid + ").";
        view.setString(MESSAGE_OFFSET, message);
        FLAG.setRelease(view, FLAG_OFFSET, MESSAGE_READY); // pairs with the peer's getAcquire in awaitFlag
        say.step(4, "memcpy: wrote \"%s\" at offset %d, then set the flag at offset %d to %d (release store)",
                message, MESSAGE_OFFSET, FLAG_OFFSET, MESSAGE_READY);

        Process child = startPeer(name);
        peerProcess.set(child);
        say.step(5, "CreateProcess: started the peer, pid %d, and waits for its answer (at most %d s)",
                child.pid(), TIMEOUT.toSeconds());
        if (root.verbose()) {
            say.line("peer command: " + String.join(" ", peerCommand(name)));
        }
        Thread pump = pump(child, out); // started only now, so the peer's lines follow step 5
        boolean answered = awaitFlag(view, ANSWER_READY, deadline, () -> !child.isAlive());
        if (!answered && child.isAlive()) {
            throw new CommandException("no answer from the peer process " + child.pid() + " within "
                    + TIMEOUT.toSeconds() + " s; killed it");
        }
        int exit = waitForExit(child, deadline);
        pump.join(TimeUnit.SECONDS.toMillis(5));
        if (!answered || exit != 0) {
            throw new CommandException("the peer process " + child.pid() + " exited with code " + exit
                    + (answered ? "" : " without answering"));
        }
        String answer = readString(view, ANSWER_OFFSET, view.byteSize());
        say.step(11, "acquire load saw flag %d: read the answer at offset %d: \"%s\"",
                ANSWER_READY, ANSWER_OFFSET, answer);
        say.step(12, "WaitForSingleObject: the peer process %d exited with code 0", child.pid());
        return child.pid();
    }

    /** Removes regions of earlier demos whose processes were all killed (opening a stale region removes it). */
    private static void removeStaleLeftovers(Narrator say) {
        for (RegionInfo info : SharedMemory.list()) {
            if (info.name().startsWith(PREFIX) && info.stale()) {
                try {
                    SharedMemory.open(info.name()).close();
                } catch (NoSuchRegionException removed) {
                    say.line("removed '" + info.name() + "', left stale by an earlier demo that was killed");
                } catch (JshmException other) {
                    // not ours to clean, or in use again: leave it
                }
            }
        }
    }

    private static List<String> peerCommand(String name) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "demo", "--peer", name);
    }

    private static Process startPeer(String name) throws IOException {
        Process child = new ProcessBuilder(peerCommand(name)).redirectErrorStream(true).start();
        child.getOutputStream().close();
        return child;
    }

    /** Shows the peer's output, each line prefixed with its pid. */
    private static Thread pump(Process child, PrintWriter out) {
        Thread pump = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    out.println("[peer " + child.pid() + "] " + line);
                    out.flush();
                }
            } catch (IOException e) {
                // the peer is gone
            }
        }, "jshm-demo-peer-" + child.pid());
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    private static int waitForExit(Process child, long deadline) throws InterruptedException {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!child.waitFor(left, TimeUnit.NANOSECONDS)) {
            child.destroyForcibly();
            throw new CommandException("the peer process " + child.pid() + " did not exit within "
                    + TIMEOUT.toSeconds() + " s; killed it");
        }
        return child.exitValue();
    }

    /**
     * Kills the peer if it was started and still runs, waits until it is gone (so its hold on the
     * region is dropped), then closes the region if given, which is then removed. Used on Ctrl-C too.
     */
    private static void killAndClose(Process child, SharedMemory shm) {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            try {
                child.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (shm != null) {
            try {
                shm.close();
            } catch (IllegalStateException inUse) {
                // the main thread is using it; the JVM is exiting and the kernel releases it
            }
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run
        }
    }

    // ------------------------------------------------------------------ the peer

    private int runPeer(PrintWriter out, String name) {
        long pid = ProcessHandle.current().pid();
        Narrator say = new Narrator(out, "");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (SharedMemory shm = SharedMemory.open(name)) {
            say.step(6, "OpenFileMapping: opened region '%s' by name: %d bytes, lifetime %s", name, shm.size(),
                    ListCommand.lifetimeName(shm.lifetime()));
            MemorySegment view = shm.segment();
            if (view.byteSize() < ANSWER_OFFSET + 256) {
                throw new CommandException("region '" + name + "' has " + view.byteSize()
                        + " bytes, too few for the demo frame");
            }
            say.step(7, "MapViewOfFile: mapped a view of all %d bytes", view.byteSize());
            if (!awaitFlag(view, MESSAGE_READY, deadline, () -> false)) {
                throw new CommandException("no message in region '" + name + "' within " + TIMEOUT.toSeconds() + " s");
            }
            String message = readString(view, MESSAGE_OFFSET, ANSWER_OFFSET);
            say.step(8, "acquire load saw flag %d: read the message at offset %d: \"%s\"", MESSAGE_READY,
                    MESSAGE_OFFSET, message);
            String answer = "Answer from the second process (pid " + pid + "): message received.";
            view.setString(ANSWER_OFFSET, answer);
            FLAG.setRelease(view, FLAG_OFFSET, ANSWER_READY); // pairs with the first process's getAcquire in awaitFlag
            say.step(9, "memcpy: wrote \"%s\" at offset %d, then set the flag to %d (release store)", answer,
                    ANSWER_OFFSET, ANSWER_READY);
            shm.close();
            say.step(10, "UnmapViewOfFile + CloseHandle: closed its handle; the region stays, the first process"
                    + " still has it open");
        }
        return ExitCode.OK;
    }

    // ------------------------------------------------------------------ shared by both

    /**
     * Waits until the flag holds {@code expected}: spins briefly, then polls every 0.2 ms.
     * {@return true if it does, false at the deadline or when {@code giveUp} says so first}
     */
    private static boolean awaitFlag(MemorySegment view, int expected, long deadline, BooleanSupplier giveUp) {
        for (int round = 0; ; round++) {
            // Acquire load; pairs with the other process's setRelease of the flag.
            if ((int) FLAG.getAcquire(view, FLAG_OFFSET) == expected) {
                return true;
            }
            if (giveUp.getAsBoolean() || System.nanoTime() - deadline > 0) {
                return (int) FLAG.getAcquire(view, FLAG_OFFSET) == expected;
            }
            if (round < 1000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(200_000);
            }
        }
    }

    /** {@return the NUL-terminated UTF-8 text at {@code from}, which must end before {@code to}} */
    private static String readString(MemorySegment view, long from, long to) {
        MemorySegment field = view.asSlice(from, to - from);
        long end = 0;
        while (end < field.byteSize() && field.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        if (end == field.byteSize()) {
            throw new CommandException("no text at offset " + from + ": no NUL terminator before offset " + to);
        }
        return field.getString(0);
    }

    /** Prints numbered steps, each line prefixed with who says it. */
    private record Narrator(PrintWriter out, String prefix) {
        void step(int number, String format, Object... args) {
            line(number + ". " + format.formatted(args));
        }

        void line(String text) {
            out.println(prefix + text);
            out.flush();
        }
    }
}
