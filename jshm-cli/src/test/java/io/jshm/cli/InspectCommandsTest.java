package io.jshm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshm.Lifetime;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.sync.SharedMutex;
import io.jshm.sync.SyncChild;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ls}, {@code info} and {@code dump} on regions made by this JVM, by a child JVM, by
 * {@code python3} and by a C program: what each holds, who maps it, its bytes.
 */
@Timeout(60)
class InspectCommandsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final RegionNames names = new RegionNames(InspectCommandsTest.class);

    @TempDir
    Path dir;

    @Test
    void lsShowsTheChildJvmThatMapsARegionAndWhatEachRegionHolds() throws Exception {
        String raw = names.nextRemovedAfterEach();
        String queue = names.nextRemovedAfterEach();
        String mutex = names.nextRemovedAfterEach();
        SharedMemoryOptions persistent = SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT);
        SharedQueue.create(queue, 4096, QueueType.MPSC, persistent).close();
        try (SharedMemory m = SharedMemory.create(mutex, 64, persistent);
             ChildJvm child = ChildJvm.start(RegionChild.class, "create", raw, "8192")) {
            SharedMutex.initialize(m.segment(), 0);
            child.await("HELD created=true", Waits.STARTUP);

            Cli.Result r = Cli.run("ls", names.prefix() + "*");

            assertThat(r.exit()).as(r.err()).isZero();
            List<String> lines = r.outLines();
            assertThat(lines.getFirst().split("\\s+")).containsExactly(ListCommand.HEADER);
            assertThat(rowOf(lines, raw)).contains(" raw ", " until-last-close ", " live ")
                    .endsWith(child.pid() + "/java");
            assertThat(rowOf(lines, queue)).contains(" queue/mpsc ", " persistent ").endsWith(" -");
            assertThat(rowOf(lines, mutex)).contains(" mutex ")
                    .endsWith(ProcessHandle.current().pid() + "/java");
            assertThat(lines).hasSize(4); // the header and our three, nothing else with our prefix

            JsonNode array = new ObjectMapper().readTree(Cli.run("ls", "--json", raw).out());
            JsonNode region = array.get(0);
            List<String> fields = new ArrayList<>();
            region.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("name", "path", "size", "mode", "owner", "created", "modified", "holds",
                    "lifetime", "stale", "complete", "holders", "mappedBy");
            assertThat(region.get("holds").asText()).isEqualTo("raw");
            assertThat(region.get("holders").get(0).asLong()).isEqualTo(child.pid());
            assertThat(region.get("mappedBy").get(0).get("pid").asLong()).isEqualTo(child.pid());
            assertThat(region.get("mappedBy").get(0).get("command").asText()).isEqualTo("java");
        }
    }

    @Test
    void pythonRegionIsListedWithItsProcessAndDumpedAsHexdumpWould() throws Exception {
        assumeTrue(ExternalProcess.available("python3", "-c", "import multiprocessing.shared_memory"),
                "python3 with multiprocessing.shared_memory is not available");
        String name = names.nextRemovedAfterEach();
        Path script = Files.writeString(dir.resolve("hold.py"), """
                import sys
                from multiprocessing import shared_memory
                shm = shared_memory.SharedMemory(sys.argv[1], create=True, size=100)
                shm.buf[:16] = b"from python 3!\\x00\\x01"
                print("READY", flush=True)
                sys.stdin.readline()
                shm.close()
                shm.unlink()
                """);
        try (ExternalProcess python = ExternalProcess.start(List.of("python3", script.toString(), name))) {
            python.await("READY", WAIT);

            String row = rowOf(Cli.run("ls", name).outLines(), name);
            assertThat(row).contains("100 B", " raw ", " persistent ", " live ").endsWith(python.pid() + "/python3");

            Cli.Result dump = Cli.run("dump", name, "--length", "20");
            assertThat(dump.exit()).as(dump.err()).isZero();
            assertThat(dump.outLines()).containsExactly(
                    "00000000  66 72 6f 6d 20 70 79 74  68 6f 6e 20 33 21 00 01  |from python 3!..|",
                    "00000010  00 00 00 00                                       |....|",
                    "00000014");

            Cli.Result info = Cli.run("info", name);
            assertThat(info.exit()).as(info.err()).isZero();
            assertThat(info.outLines()).contains("holds        raw", "size         100 B (100 bytes)",
                    "processes    " + python.pid() + "/python3");
            python.send("done");
            assertThat(python.waitFor(WAIT)).isZero();
        }
    }

    @Test
    void cProgramRegionIsListedAndDumpedInEveryFormat() throws Exception {
        assumeTrue(ExternalProcess.available("gcc", "--version"), "gcc is not available");
        Path source = Files.writeString(dir.resolve("hold.c"), """
                #include <fcntl.h>
                #include <stdio.h>
                #include <string.h>
                #include <sys/mman.h>
                #include <unistd.h>
                int main(int argc, char **argv) {
                    int fd = shm_open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0640);
                    if (fd < 0 || ftruncate(fd, 4096) != 0) { perror("shm"); return 1; }
                    unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                    if (p == MAP_FAILED) { perror("mmap"); return 1; }
                    memcpy(p + 4000, "made in C", 9);
                    printf("READY\\n");
                    fflush(stdout);
                    getchar();
                    munmap(p, 4096);
                    shm_unlink(argv[1]);
                    return 0;
                }
                """);
        Path program = dir.resolve("hold");
        ExternalProcess.Result cc = ExternalProcess.run(WAIT, List.of("gcc", "-std=c11", "-D_POSIX_C_SOURCE=200809L",
                "-Wall", "-o", program.toString(), source.toString(), "-lrt"));
        assertThat(cc.code()).as("gcc: %s", cc.output()).isZero();
        String name = names.nextRemovedAfterEach();
        try (ExternalProcess c = ExternalProcess.start(List.of(program.toString(), "/" + name))) {
            c.await("READY", WAIT);

            String row = rowOf(Cli.run("ls", name).outLines(), name);
            assertThat(row).contains("4 KiB", "0640", " raw ", " persistent ").endsWith(c.pid() + "/hold");

            assertThat(Cli.run("dump", name, "--offset", "4000", "--length", "9", "--format", "hex").out())
                    .isEqualTo("6d61646520696e2043\n");
            assertThat(Cli.run("dump", name, "--offset", "4000", "--length", "9", "--format", "c").outLines())
                    .containsExactly("unsigned char " + name.replace('-', '_') + "[] = {",
                            "  0x6d, 0x61, 0x64, 0x65, 0x20, 0x69, 0x6e, 0x20, 0x43",
                            "};", "unsigned int " + name.replace('-', '_') + "_len = 9;");
            Cli.Result raw = Cli.run(new byte[0], "dump", name, "--offset", "4000", "--length", "9", "--format", "raw");
            assertThat(new String(raw.stdout(), StandardCharsets.US_ASCII)).isEqualTo("made in C");
            // 4000 zero bytes squeeze into one line and a '*', as hexdump -C does
            assertThat(Cli.run("dump", name, "--length", "4009").outLines()).containsExactly(
                    "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
                    "*",
                    "00000fa0  6d 61 64 65 20 69 6e 20  43                       |made in C|",
                    "00000fa9");
            c.send("done");
            assertThat(c.waitFor(WAIT)).isZero();
        }
    }

    @Test
    void infoDecodesAQueueAndAMutexWhoseOwnerDied() throws Exception {
        String queue = names.nextRemovedAfterEach();
        String mutex = names.nextRemovedAfterEach();
        SharedMemoryOptions persistent = SharedMemoryOptions.defaults().withLifetime(Lifetime.PERSISTENT);
        try (SharedQueue q = SharedQueue.create(queue, 4096, QueueType.SPSC, persistent)) {
            q.offer(7, MemorySegment.ofArray("hello".getBytes(StandardCharsets.US_ASCII)));
            q.offer(7, MemorySegment.ofArray("world!".getBytes(StandardCharsets.US_ASCII)));

            JsonNode json = new ObjectMapper().readTree(Cli.run("info", queue, "--json", "--sample", "0").out());
            assertThat(json.get("holds").asText()).isEqualTo("queue/spsc");
            JsonNode counters = json.get("queue");
            assertThat(counters.get("type").asText()).isEqualTo("spsc");
            assertThat(counters.get("capacity").asLong()).isEqualTo(4096);
            assertThat(counters.get("maxMessage").asInt()).isEqualTo(1024);
            assertThat(counters.get("depth").asLong()).isEqualTo(16 + 16); // two records of 8 + payload, aligned
            assertThat(counters.get("recordsIn").asLong()).isEqualTo(2);
            assertThat(counters.get("producerPid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(counters.get("producerAlive").asBoolean()).isTrue();
            assertThat(counters.get("consumerPid").asLong()).isZero();
        }

        try (SharedMemory m = SharedMemory.create(mutex, 64, persistent)) {
            SharedMutex.initialize(m.segment(), 0);
            try (ChildJvm child = ChildJvm.start(SyncChild.class, "mutex-hold", mutex, "0")) {
                child.await("LOCKED ACQUIRED", Waits.STARTUP);
                JsonNode held = new ObjectMapper().readTree(Cli.run("info", mutex, "--json").out()).get("mutex");
                assertThat(held.get("ownerPid").asLong()).isEqualTo(child.pid());
                assertThat(held.get("ownerAlive").asBoolean()).isTrue();
                child.kill9();
                JsonNode dead = new ObjectMapper().readTree(Cli.run("info", mutex, "--json").out()).get("mutex");
                assertThat(dead.get("ownerPid").asLong()).isEqualTo(child.pid());
                assertThat(dead.get("ownerAlive").asBoolean()).isFalse();
                assertThat(Cli.run("info", mutex).outLines()).contains("holds        mutex")
                        .anyMatch(line -> line.startsWith("owner        pid " + child.pid()) && line.contains("(dead"));
            }
            // info only looked: the lock still records the dead owner, and no one took it over
            assertThat(m.segment().get(ValueLayout.JAVA_LONG, 8) >>> 32).isPositive();
        }
    }

    @Test
    void infoAndDumpTakeAFileBackedRegionByItsPath() throws Exception {
        Path file = dir.resolve("frame.bin");
        assertThat(Cli.run("create", file.toString(), "4096").exit()).isZero();
        try (SharedMemory shm = SharedMemory.open(file)) {
            shm.segment().set(ValueLayout.JAVA_INT, 16, 0x0403_0201);
            Cli.Result info = Cli.run("info", file.toString());
            assertThat(info.exit()).as(info.err()).isZero();
            assertThat(info.outLines()).contains("path         " + file, "size         4 KiB (4096 bytes)",
                    "holds        raw", "processes    " + ProcessHandle.current().pid() + "/java");
            assertThat(Cli.run("dump", file.toString(), "--offset", "16", "--length", "4", "--format", "hex").out())
                    .isEqualTo("01020304\n");
        }
        assertThat(failureOf("info", dir.resolve("none.bin").toString())).isEqualTo(ExitCode.NOT_FOUND);
    }

    private static int failureOf(String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.errLines()).hasSize(1);
        return r.exit();
    }

    static String rowOf(List<String> lines, String name) {
        return lines.stream().filter(line -> line.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + String.join("\n", lines)));
    }

    static JsonNode find(JsonNode array, String name) {
        return StreamSupport.stream(array.spliterator(), false)
                .filter(node -> node.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + array));
    }
}
