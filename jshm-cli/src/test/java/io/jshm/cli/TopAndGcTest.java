package io.jshm.cli;

import io.jshm.Lifetime;
import io.jshm.RegionView;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.queue.QueueState;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code top --once} while another process fills a queue; {@code gc} after {@code kill -9}.
 * Both look only at this class's regions (a name pattern): other tests run on this host at the
 * same time, and their regions are theirs.
 */
@Timeout(60)
class TopAndGcTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(TopAndGcTest.class);

    @Test
    void topShowsTheDepthAndRateOfAQueueThatAnotherProcessFills() throws Exception {
        String queue = names.nextRemovedAfterEach();
        SharedQueue.create(queue, 64 * 1024, QueueType.SPSC,
                SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT)).close();
        try (ChildJvm sender = ChildJvm.start(Main.class, "queue", "send", queue)) {
            for (int i = 0; i < 10; i++) {
                sender.send("message-" + i); // 10 bytes: a record of 8 + 10, aligned to 24
            }
            Waits.awaitCondition("the sender's 10 messages", Waits.STARTUP, () -> recordsIn(queue) == 10);
            AtomicBoolean stop = new AtomicBoolean();
            Thread more = Thread.ofPlatform().start(() -> {
                for (int i = 10; i < 1000 && !stop.get(); i++) {
                    sender.send("message-" + i % 10);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Cli.Result top;
            try {
                top = Cli.run("top", "--once", "--interval", "300ms", names.prefix() + "*");
            } finally {
                stop.set(true);
                more.join();
            }

            assertThat(top.exit()).as(top.err()).isZero();
            List<String> lines = top.outLines();
            assertThat(lines.getFirst()).startsWith("jshm top ").contains("1 regions, 1 queues");
            assertThat(lines.get(2).split("\\s+")).containsExactly(TopFrame.HEADER);
            String row = InspectCommandsTest.rowOf(lines, queue);
            assertThat(row).contains(" queue/spsc ", " live ", sender.pid() + "/java");
            // DEPTH is a whole number of 24-byte records, at least the 10 sent before top began
            String[] cells = row.split("\\s{2,}");
            assertThat(cells[4]).matches("\\d+(\\.\\d)? (B|KiB)");
            double depth = Double.parseDouble(cells[4].split(" ")[0]) * (cells[4].endsWith("KiB") ? 1024 : 1);
            assertThat(depth).as("DEPTH in %s", row).isGreaterThanOrEqualTo(240).isLessThanOrEqualTo(1000 * 24);
            assertThat(Double.parseDouble(cells[6].replace("k", ""))).as("IN/s in %s", row).isPositive();
            assertThat(cells[7]).as("OUT/s: no consumer").isEqualTo("0");
            sender.process().getOutputStream().close(); // end of input: the sender exits
            assertThat(sender.waitFor(Waits.STARTUP)).isZero();
        }
    }

    private static long recordsIn(String queue) {
        try (RegionView view = RegionView.open(queue)) {
            return QueueState.inspect(view.segment(), queue).orElseThrow().counters().recordsIn();
        }
    }

    @Test
    void gcRemovesStaleAndAbandonedRegionsAndLeavesLiveAndPersistentOnes() throws Exception {
        String stale = names.nextRemovedAfterEach();
        String live = names.nextRemovedAfterEach();
        String persistent = names.nextRemovedAfterEach();
        String abandoned = names.nextRemovedAfterEach();
        assertThat(Cli.run("create", persistent, "4KiB").exit()).isZero();
        // a region whose creator died at its first step: mode 0000, nobody holds it
        Files.createFile(ShmFiles.path(abandoned), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("---------")));
        try (SharedMemory held = SharedMemory.create(live, 4096);
             ChildJvm a = ChildJvm.start(RegionChild.class, "create", stale, "65536")) {
            a.await("HELD created=true", Waits.STARTUP);
            try (ChildJvm b = ChildJvm.start(RegionChild.class, "open", stale)) {
                b.await("HELD created=false", Waits.STARTUP);
                a.kill9();
                b.kill9();
            }
            Waits.awaitCondition("every user of " + stale + " gone", Waits.STARTUP,
                    () -> SharedMemory.info(stale).stale());

            Cli.Result dry = Cli.run("gc", "--dry-run", names.prefix() + "*");
            assertThat(dry.exit()).as(dry.err()).isZero();
            assertThat(dry.outLines()).containsExactlyInAnyOrder(
                    "would remove region '" + stale + "' (64 KiB, stale: every process that had it open has exited)",
                    "would remove region '" + abandoned + "' (0 B, incomplete: its creator died before finishing it)",
                    "would remove 2 regions, 64 KiB");
            assertThat(ShmFiles.present(stale)).isTrue();

            Cli.Result gc = Cli.run("gc", names.prefix() + "*");
            assertThat(gc.exit()).as(gc.err()).isZero();
            assertThat(gc.outLines()).containsExactlyInAnyOrder(
                    "removed region '" + stale + "' (64 KiB, stale: every process that had it open has exited)",
                    "removed region '" + abandoned + "' (0 B, incomplete: its creator died before finishing it)",
                    "removed 2 regions, 64 KiB");
            assertThat(ShmFiles.present(stale)).isFalse();
            assertThat(ShmFiles.present(abandoned)).isFalse();
            assertThat(ShmFiles.present(live)).isTrue();
            assertThat(ShmFiles.present(persistent)).isTrue();
            assertThat(held.segment().byteSize()).isEqualTo(4096);

            assertThat(Cli.run("gc", names.prefix() + "*").outLines()).containsExactly("nothing to remove");
        }
    }
}
