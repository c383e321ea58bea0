package io.jshm.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child's half of {@link ChildJvm}: lines to the test on stdout, commands from the test on
 * stdin, and two watchdogs so that a child never outlives its test: it halts when stdin closes
 * (the test JVM is gone) and after a maximum lifetime.
 */
public final class ChildSide {
    private ChildSide() {
    }

    private static final BlockingQueue<String> COMMANDS = new LinkedBlockingQueue<>();

    /** Starts the watchdogs; call first thing in {@code main}. */
    public static void start(Duration maxLifetime) {
        daemon("stdin-watch", () -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    COMMANDS.add(line);
                }
            } catch (IOException e) {
                // treated as end of file
            }
            System.err.println("stdin closed: the test JVM is gone, exiting");
            Runtime.getRuntime().halt(3);
        });
        daemon("lifetime-watch", () -> {
            try {
                TimeUnit.MILLISECONDS.sleep(maxLifetime.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("child lived longer than " + maxLifetime + ", halting");
            Runtime.getRuntime().halt(4);
        });
    }

    /** Prints one line to the test, at once. */
    public static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Waits for the line {@code expected} from the test, dropping others. */
    public static void command(String expected) throws InterruptedException {
        while (!nextCommand().equals(expected)) {
            // not ours
        }
    }

    /** {@return the next line from the test} */
    public static String nextCommand() throws InterruptedException {
        return COMMANDS.take();
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
