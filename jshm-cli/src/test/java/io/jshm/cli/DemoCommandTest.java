package io.jshm.cli;

import io.jshm.NoSuchRegionException;
import io.jshm.RegionInfo;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code jshm demo}: two real JVMs share a region, and it is gone afterwards, even when the demo is killed. */
@Timeout(60)
class DemoCommandTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(DemoCommandTest.class);

    private static Set<String> demoRegions() {
        return SharedMemory.list().stream().map(RegionInfo::name).filter(n -> n.startsWith(DemoCommand.PREFIX))
                .collect(Collectors.toSet());
    }

    @Test
    void twoProcessesShareTheFrameAndTheRegionIsGoneAfterwards() throws Exception {
        Set<String> before = demoRegions();

        String output;
        long pid;
        try (ChildJvm demo = ChildJvm.start(Main.class, "demo")) {
            pid = demo.pid();
            assertThat(demo.waitFor(Duration.ofSeconds(45))).as(demo.diagnostics()).isZero();
            output = demo.diagnostics();
        }

        String name = DemoCommand.PREFIX + pid;
        Matcher peer = Pattern.compile("\\[peer (\\d+)] 6\\. ").matcher(output);
        assertThat(peer.find()).as(output).isTrue();
        String peerPid = peer.group(1);
        assertThat(peerPid).isNotEqualTo(String.valueOf(pid));
        String me = "[demo " + pid + "] ";
        String it = "[peer " + peerPid + "] ";
        assertThat(output).containsSubsequence(
                me + "1. CreateFileMapping: created region '" + name + "' of 786432 bytes",
                me + "2. MapViewOfFile",
                me + "3. memset",
                me + "4. memcpy: wrote \"Message from the first process (pid " + pid + ").\" at offset 128",
                me + "5. CreateProcess: started the peer, pid " + peerPid,
                it + "6. OpenFileMapping: opened region '" + name + "' by name: 786432 bytes",
                it + "7. MapViewOfFile",
                it + "8. acquire load saw flag 1: read the message at offset 128: \"Message from the first process",
                it + "9. memcpy: wrote \"Answer from the second process (pid " + peerPid + ")",
                it + "10. UnmapViewOfFile + CloseHandle",
                me + "11. acquire load saw flag 2: read the answer at offset 4096: \"Answer from the second process",
                me + "12. WaitForSingleObject: the peer process " + peerPid + " exited with code 0",
                me + "13. UnmapViewOfFile + CloseHandle: closed the last handle",
                me + "14. region '" + name + "' is gone");
        assertThat(SharedMemory.exists(name)).isFalse();
        assertThat(SharedMemory.list().stream().map(RegionInfo::name)).doesNotContain(name);
        assertThat(demoRegions()).as("filemapping_* regions left by the demo").isSubsetOf(before);
    }

    @Test
    void aKilledDemoLeavesNoLiveRegion() throws Exception {
        String name;
        try (ChildJvm demo = ChildJvm.start(Main.class, "demo")) {
            name = DemoCommand.PREFIX + demo.pid();
            String first = demo.nextLine(Duration.ofSeconds(30));
            assertThat(first).contains("1. CreateFileMapping");
            demo.kill9();
        }

        // Killed right after creating: the kernel dropped its hold. If it had started its peer, the
        // peer's close removes the region; if not, the region is stale and the next open removes it.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (SharedMemory.exists(name)) {
            assertThat(System.nanoTime() - deadline).as("region %s still live", name).isNegative();
            Thread.sleep(20);
        }
        assertThatThrownBy(() -> SharedMemory.open(name).close()).isInstanceOf(NoSuchRegionException.class);
        assertThat(SharedMemory.list().stream().map(RegionInfo::name).toList()).doesNotContain(name);
    }

    @Test
    void demoRemovesRegionsThatKilledDemosLeftStale() throws Exception {
        // A region that lives until last close, whose only holder (a child JVM) is killed: stale.
        String name = DemoCommand.PREFIX + "0" + ProcessHandle.current().pid();
        try (ChildJvm holder = ChildJvm.start(StaleRegionHolder.class, name)) {
            holder.await("holding", Duration.ofSeconds(30));
            holder.kill9();
        }
        assertThat(SharedMemory.info(name).stale()).isTrue();

        try (ChildJvm demo = ChildJvm.start(Main.class, "demo")) {
            assertThat(demo.waitFor(Duration.ofSeconds(45))).as(demo.diagnostics()).isZero();
            assertThat(demo.diagnostics()).contains("removed '" + name + "', left stale by an earlier demo");
        } finally {
            try {
                SharedMemory.open(name).close(); // removes it if the demo did not
            } catch (NoSuchRegionException gone) {
                // expected
            }
        }
        assertThat(SharedMemory.list().stream().map(RegionInfo::name).toList()).doesNotContain(name);
    }

    /** Child JVM: creates a region that lives until last close, says so, and waits to be killed. */
    public static final class StaleRegionHolder {
        public static void main(String[] args) throws Exception {
            SharedMemory shm = SharedMemory.create(args[0], 4096);
            System.out.println("holding");
            System.out.flush();
            System.in.read(); // until killed (or its parent closes stdin)
            shm.close();
        }
    }
}
