package io.jshm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshm.SharedMemory;
import io.jshm.queue.SharedQueue;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jshm queue create | send | recv | stat}, in and across processes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueCommandTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(QueueCommandTest.class);

    @ParameterizedTest
    @ValueSource(strings = {"spsc", "mpsc", "broadcast"})
    void linesSentInOneProcessComeOutOfAnotherInOrder(String type) throws Exception {
        String name = names.next();
        try {
            // A broadcast producer never waits: give it a ring that holds the whole stream, so that no
            // message is lost to lapping (the core tests cover lapping).
            String capacity = type.equals("broadcast") ? "1MiB" : "4KiB";
            assertThat(Cli.run("queue", "create", name, capacity, "--type", type).exit()).isZero();
            List<String> lines = IntStream.range(0, 500).mapToObj(i -> "message " + i + " " + "x".repeat(i % 40)).toList();
            try (ChildJvm receiver = ChildJvm.start(Main.class, "--verbose", "queue", "recv", name, "--count", "500",
                    "--timeout", "20s")) {
                awaitReceiving(receiver); // a broadcast consumer only sees what is sent after it opened the queue
                try (ChildJvm sender = ChildJvm.start(Main.class, "queue", "send", name)) {
                    sender.process().getOutputStream().write((String.join("\n", lines) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                    sender.process().getOutputStream().close();
                    assertThat(sender.waitFor(Duration.ofSeconds(30))).as(sender.diagnostics()).isZero();
                }
                List<String> got = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    got.add(receiver.nextLine(Duration.ofSeconds(20)));
                }
                assertThat(receiver.waitFor(Duration.ofSeconds(20))).as(receiver.diagnostics()).isZero();
                assertThat(got).containsExactlyElementsOf(lines);
            }
            Cli.Result stat = Cli.run("queue", "stat", name, "--json");
            JsonNode json = new ObjectMapper().readTree(stat.out());
            assertThat(json.get("type").asText()).isEqualTo(type);
            assertThat(json.get("recordsIn").asLong()).isEqualTo(500);
            if (!type.equals("broadcast")) {
                assertThat(json.get("recordsOut").asLong()).isEqualTo(500);
                assertThat(json.get("depth").asLong()).isZero();
            }
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void statPrintsATable() {
        String name = names.next();
        try {
            Cli.run("queue", "create", name, "1KiB");
            Cli.run("abc\ndef\n".getBytes(StandardCharsets.UTF_8), "queue", "send", name);
            Cli.Result stat = Cli.run("queue", "stat", name);
            assertThat(stat.exit()).isZero();
            assertThat(stat.outLines()).contains("queue        " + name + " (spsc)", "records in   2", "records out  0");
            Cli.Result recv = Cli.run(new byte[0], "queue", "recv", name, "--count", "2");
            assertThat(new String(recv.stdout(), StandardCharsets.UTF_8)).isEqualTo("abc\ndef\n");
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void recvTimesOutWithOneLine() {
        String name = names.next();
        try {
            Cli.run("queue", "create", name, "1KiB");
            Cli.Result result = Cli.run(new byte[0], "queue", "recv", name, "--count", "1", "--timeout", "200ms");
            assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
            assertThat(result.errLines()).singleElement().asString()
                    .startsWith("jshm: timed out after 200ms waiting for messages on queue '" + name + "'");
            Cli.Result open = Cli.run(new byte[0], "queue", "recv", name, "--timeout", "100ms");
            assertThat(open.exit()).as("without --count a timeout just ends the stream").isZero();
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void anMpscQueueGetsTheLanesAsked() {
        String name = names.next();
        try {
            Cli.Result made = Cli.run("queue", "create", name, "4KiB", "--type", "mpsc", "--lanes", "2");
            assertThat(made.exit()).as(made.err()).isZero();
            assertThat(made.out()).contains("created mpsc queue '" + name + "': 4 KiB ring and 2 lanes of 4 KiB");
            try (SharedQueue queue = SharedQueue.open(name)) {
                assertThat(queue.lanes()).isEqualTo(2);
            }
        } finally {
            SharedMemory.unlink(name);
        }
        for (String[] bad : new String[][] {{"--type", "spsc", "--lanes", "2"}, {"--type", "mpsc", "--lanes", "65"}}) {
            Cli.Result refused = Cli.run(Stream.concat(Stream.of("queue", "create", names.next(), "4KiB"),
                    Stream.of(bad)).toArray(String[]::new));
            assertThat(refused.exit()).as(String.join(" ", bad)).isEqualTo(ExitCode.USAGE);
            assertThat(refused.errLines()).first().asString().contains("lanes");
        }
    }

    @Test
    void badInputIsReportedInOneLine() {
        String name = names.next();
        assertThat(Cli.run("queue", "create", name, "1000").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("queue", "create", name, "4KiB", "--type", "fifo").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("queue", "stat", name).exit()).isEqualTo(ExitCode.NOT_FOUND);
        try {
            Cli.run("create", name, "4KiB");
            Cli.Result foreign = Cli.run("queue", "stat", name);
            assertThat(foreign.exit()).isEqualTo(ExitCode.FAILURE);
            assertThat(foreign.errLines()).singleElement().asString().contains("is corrupt or foreign");
            Cli.Result tooBig = Cli.run(("y".repeat(5000) + "\n").getBytes(StandardCharsets.UTF_8), "queue", "send",
                    names.next());
            assertThat(tooBig.exit()).isEqualTo(ExitCode.NOT_FOUND);
        } finally {
            SharedMemory.unlink(name);
        }
    }

    private static void awaitReceiving(ChildJvm receiver) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!receiver.diagnostics().contains("jshm: receiving from")) {
            assertThat(receiver.process().isAlive()).as(receiver.diagnostics()).isTrue();
            assertThat(System.nanoTime() - deadline).as("receiver did not open the queue").isNegative();
            Thread.sleep(10);
        }
    }
}
