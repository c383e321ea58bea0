package io.jshm;

import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.jshm.testing.RegionChild.ANSWER;
import static io.jshm.testing.RegionChild.MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A region is only bytes with a POSIX name: Python's {@code multiprocessing.shared_memory}, C's
 * {@code shm_open} and Boost.Interprocess's {@code shared_memory_object} share it with jshm both
 * ways. Skipped where {@code python3}, {@code gcc}, or {@code g++} with Boost's headers is missing.
 *
 * <p>The messages use {@link RegionChild}'s layout: a native-order int length, then the UTF-8
 * bytes 8 bytes further on. jshm's message is at {@link RegionChild#MESSAGE} (8), the answer at
 * {@link RegionChild#ANSWER} (1024); a region made by Python, C or Boost carries its message at 0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // regions and children are held open by try blocks that do not name them
class InteropTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(InteropTest.class);

    private static final Duration WAIT = Duration.ofSeconds(30);

    // ------------------------------------------------------------------ Python

    /**
     * Attaches to a region by name, reads the message, writes an answer. Before 3.13 the resource
     * tracker registers even attached segments and unlinks them when the interpreter exits, so the
     * script unregisters right after attaching.
     */
    private static final String PYTHON_READER = """
            import sys
            from multiprocessing import shared_memory, resource_tracker
            shm = shared_memory.SharedMemory(sys.argv[1])
            resource_tracker.unregister(shm._name, "shared_memory")
            buf = shm.buf
            n = int.from_bytes(buf[8:12], sys.byteorder)
            message = bytes(buf[16:16 + n]).decode("utf-8")
            print("SIZE", shm.size, flush=True)
            print("READ", message, flush=True)
            answer = ("python:" + message).encode("utf-8")
            buf[1024 + 8:1024 + 8 + len(answer)] = answer
            buf[1024:1028] = len(answer).to_bytes(4, sys.byteorder)
            del buf
            shm.close()
            print("DONE", flush=True)
            """;

    /** Creates a region, fills it, waits for a line, reads jshm's answer, leaves the region in place. */
    private static final String PYTHON_CREATOR = """
            import sys
            from multiprocessing import shared_memory, resource_tracker
            shm = shared_memory.SharedMemory(sys.argv[1], create=True, size=int(sys.argv[2]))
            resource_tracker.unregister(shm._name, "shared_memory")
            buf = shm.buf
            message = "made by python".encode("utf-8")
            buf[8:8 + len(message)] = message
            buf[0:4] = len(message).to_bytes(4, sys.byteorder)
            buf[len(buf) - 1] = 0x5A
            print("READY", flush=True)
            sys.stdin.readline()
            n = int.from_bytes(buf[1024:1028], sys.byteorder)
            print("GOT", bytes(buf[1032:1032 + n]).decode("utf-8"), flush=True)
            del buf
            shm.close()
            """;

    @Test
    void pythonReadsAndAnswersInARegionMadeByJshm(@TempDir Path dir) throws Exception {
        assumePython();
        Path script = Files.writeString(dir.resolve("reader.py"), PYTHON_READER);
        String name = names.next();
        String message = "from jshm \u00e9";
        try (SharedMemory shm = SharedMemory.create(name, 4096 + 321)) {
            RegionChild.writeString(shm.segment(), MESSAGE, message);
            ExternalProcess.Result result = ExternalProcess.run(WAIT, List.of("python3", script.toString(), name));
            assertThat(result.code()).as(result.output()).isZero();
            assertThat(result.output()).contains("SIZE " + (4096 + 321)).contains("READ " + message).contains("DONE");
            assertThat(RegionChild.readString(shm.segment(), ANSWER)).isEqualTo("python:" + message);
            assertThat(SharedMemory.exists(name)).as("Python's exit must not remove a jshm region").isTrue();
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void jshmOpensARegionMadeByPython(@TempDir Path dir) throws Exception {
        assumePython();
        Path script = Files.writeString(dir.resolve("creator.py"), PYTHON_CREATOR);
        String name = names.next();
        long size = 4096 + 100;
        try (ExternalProcess python = ExternalProcess.start(List.of("python3", script.toString(), name, Long.toString(size)))) {
            python.await("READY", WAIT);
            RegionInfo info = SharedMemory.info(name);
            assertThat(info.lifetime()).as("regions jshm did not make are persistent").isEqualTo(Lifetime.PERSISTENT);
            assertThat(info.stale()).isFalse();
            assertThat(info.complete()).isTrue();
            try (SharedMemory shm = SharedMemory.open(name)) {
                assertThat(shm.created()).isFalse();
                assertThat(shm.size()).isEqualTo(size);
                assertThat(shm.lifetime()).isEqualTo(Lifetime.PERSISTENT);
                MemorySegment seg = shm.segment();
                assertThat(RegionChild.readString(seg, 0)).isEqualTo("made by python");
                assertThat(seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, size - 1)).isEqualTo((byte) 0x5A);
                RegionChild.writeString(seg, ANSWER, "jshm was here");
            }
            python.send("go");
            python.await("GOT jshm was here", WAIT);
            assertThat(python.waitFor(WAIT)).as(python.output()).isZero();
            assertThat(SharedMemory.exists(name)).as("persistent: still there after everyone closed").isTrue();
        } finally {
            SharedMemory.unlink(name);
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ C

    private static final String C_PROGRAM = """
            #include <fcntl.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <sys/stat.h>
            #include <unistd.h>

            static void put(unsigned char *p, const char *s) {
                int32_t n = (int32_t) strlen(s);
                memcpy(p + 8, s, (size_t) n);
                memcpy(p, &n, 4);
            }

            int main(int argc, char **argv) {
                if (argc < 3) { fprintf(stderr, "usage: shm read NAME | shm create NAME SIZE\\n"); return 64; }
                char path[300];
                snprintf(path, sizeof path, "/%s", argv[2]);
                int creating = strcmp(argv[1], "create") == 0;
                int fd = creating ? shm_open(path, O_CREAT | O_EXCL | O_RDWR, 0600) : shm_open(path, O_RDWR, 0);
                if (fd < 0) { perror("shm_open"); return 2; }
                off_t size;
                if (creating) {
                    size = (off_t) atoll(argv[3]);
                    if (ftruncate(fd, size) != 0) { perror("ftruncate"); return 3; }
                } else {
                    struct stat st;
                    if (fstat(fd, &st) != 0) { perror("fstat"); return 3; }
                    size = st.st_size;
                }
                unsigned char *p = mmap(NULL, (size_t) size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                if (p == MAP_FAILED) { perror("mmap"); return 4; }
                if (creating) {
                    put(p, "made by C");
                    p[size - 1] = 0xC3;
                } else {
                    int32_t n;
                    memcpy(&n, p + 8, 4);
                    printf("SIZE %lld\\n", (long long) size);
                    printf("READ %.*s\\n", (int) n, (const char *) p + 16);
                    char answer[600];
                    snprintf(answer, sizeof answer, "c:%.*s", (int) n, (const char *) p + 16);
                    put(p + 1024, answer);
                }
                munmap(p, (size_t) size);
                close(fd);
                printf("DONE\\n");
                return 0;
            }
            """;

    @Test
    void aCProgramReadsAndAnswersInARegionMadeByJshm(@TempDir Path dir) throws Exception {
        peerReadsAndAnswers(compileC(dir), 8192, "hello C", "c:hello C");
    }

    @Test
    void jshmOpensARegionMadeByACProgram(@TempDir Path dir) throws Exception {
        jshmOpensWhatAPeerMade(compileC(dir), 5000, "made by C", (byte) 0xC3);
    }

    // ------------------------------------------------------------------ Boost.Interprocess

    /**
     * Boost.Interprocess's {@code shared_memory_object} names the same POSIX objects
     * ({@code shm_open} with a leading slash added): "read NAME" opens a region and answers in
     * it; "create NAME SIZE" makes one and leaves it in place, as Boost does until
     * {@code remove}.
     */
    private static final String BOOST_PROGRAM = """
            #include <boost/interprocess/mapped_region.hpp>
            #include <boost/interprocess/shared_memory_object.hpp>
            #include <cstdint>
            #include <cstring>
            #include <iostream>
            #include <string>

            namespace bip = boost::interprocess;

            static void put(unsigned char *p, const std::string &s) {
                std::int32_t n = static_cast<std::int32_t>(s.size());
                std::memcpy(p + 8, s.data(), s.size());
                std::memcpy(p, &n, 4);
            }

            int main(int argc, char **argv) {
                if (argc < 3) { std::cerr << "usage: boostshm read NAME | boostshm create NAME SIZE\\n"; return 64; }
                std::string mode = argv[1];
                try {
                    if (mode == "create") {
                        bip::shared_memory_object shm(bip::create_only, argv[2], bip::read_write);
                        shm.truncate(std::stoll(argv[3]));
                        bip::mapped_region region(shm, bip::read_write);
                        auto *p = static_cast<unsigned char *>(region.get_address());
                        put(p, "made by boost");
                        p[region.get_size() - 1] = 0xB0;
                    } else {
                        bip::shared_memory_object shm(bip::open_only, argv[2], bip::read_write);
                        bip::mapped_region region(shm, bip::read_write);
                        auto *p = static_cast<unsigned char *>(region.get_address());
                        std::int32_t n;
                        std::memcpy(&n, p + 8, 4);
                        std::string message(reinterpret_cast<const char *>(p + 16), static_cast<std::size_t>(n));
                        std::cout << "SIZE " << region.get_size() << "\\n" << "READ " << message << "\\n";
                        put(p + 1024, "boost:" + message);
                    }
                } catch (const bip::interprocess_exception &e) {
                    std::cerr << "boost: " << e.what() << "\\n";
                    return 2;
                }
                std::cout << "DONE" << std::endl;
                return 0;
            }
            """;

    @Test
    void aBoostProgramReadsAndAnswersInARegionMadeByJshm(@TempDir Path dir) throws Exception {
        peerReadsAndAnswers(compileBoost(dir), 4096 + 77, "hello Boost", "boost:hello Boost");
    }

    @Test
    void jshmOpensARegionMadeByABoostProgram(@TempDir Path dir) throws Exception {
        jshmOpensWhatAPeerMade(compileBoost(dir), 6000, "made by boost", (byte) 0xB0);
    }

    // ------------------------------------------------------------------ the native peers' two ways

    /**
     * jshm makes a region of {@code size} bytes with {@code message} in it; the peer's "read NAME"
     * reports the size and the message and writes {@code answer}; jshm's last close removes the
     * region, though the peer mapped it too.
     */
    private static void peerReadsAndAnswers(Path program, long size, String message, String answer) throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, size)) {
            RegionChild.writeString(shm.segment(), MESSAGE, message);
            ExternalProcess.Result result = ExternalProcess.run(WAIT, List.of(program.toString(), "read", name));
            assertThat(result.code()).as(result.output()).isZero();
            assertThat(result.output()).contains("SIZE " + size).contains("READ " + message).contains("DONE");
            assertThat(RegionChild.readString(shm.segment(), ANSWER)).isEqualTo(answer);
        }
        assertThat(ShmFiles.present(name)).as("jshm's last close removes it, whoever else mapped it").isFalse();
    }

    /**
     * The peer's "create NAME SIZE" makes a region with {@code made} at 0 and {@code last} in its
     * last byte; jshm sees it persistent, reads both, writes a message, and closing leaves the
     * region, whose next "read NAME" by the peer finds jshm's message.
     */
    private static void jshmOpensWhatAPeerMade(Path program, long size, String made, byte last) throws Exception {
        String name = names.next();
        try {
            ExternalProcess.Result result = ExternalProcess.run(WAIT,
                    List.of(program.toString(), "create", name, Long.toString(size)));
            assertThat(result.code()).as(result.output()).isZero();
            assertThat(SharedMemory.info(name).lifetime()).isEqualTo(Lifetime.PERSISTENT);
            try (SharedMemory shm = SharedMemory.open(name)) {
                assertThat(shm.size()).isEqualTo(size);
                assertThat(shm.lifetime()).isEqualTo(Lifetime.PERSISTENT);
                assertThat(RegionChild.readString(shm.segment(), 0)).isEqualTo(made);
                assertThat(shm.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, size - 1)).isEqualTo(last);
                RegionChild.writeString(shm.segment(), MESSAGE, "and back");
            }
            assertThat(SharedMemory.exists(name)).as("its creator left it; closing jshm's handle does not remove it").isTrue();
            ExternalProcess.Result reread = ExternalProcess.run(WAIT, List.of(program.toString(), "read", name));
            assertThat(reread.code()).as(reread.output()).isZero();
            assertThat(reread.output()).contains("READ and back");
        } finally {
            SharedMemory.unlink(name);
        }
        assertThat(ShmFiles.present(name)).isFalse();
    }

    // ------------------------------------------------------------------ helpers

    private static void assumePython() {
        assumeTrue(ExternalProcess.available("python3", "-c", "import multiprocessing.shared_memory"),
                "python3 with multiprocessing.shared_memory is not available");
    }

    /**
     * Writes the Boost program to {@code dir} and compiles it with g++; skips the test without g++
     * or Boost.Interprocess's headers (Debian: {@code libboost-dev}, which {@code .ci/run} installs
     * where it can).
     */
    private static Path compileBoost(Path dir) throws Exception {
        Path source = Files.writeString(dir.resolve("boostshm.cpp"), BOOST_PROGRAM);
        assumeTrue(ExternalProcess.available("g++", "-std=c++17", "-fsyntax-only", source.toString()),
                "g++ with Boost.Interprocess headers is not available");
        Path program = dir.resolve("boostshm");
        ExternalProcess.Result cc = ExternalProcess.run(WAIT,
                List.of("g++", "-std=c++17", "-Wall", "-O1", "-o", program.toString(), source.toString(), "-lrt", "-pthread"));
        assertThat(cc.code()).as("g++ output:%n%s", cc.output()).isZero();
        return program;
    }

    /** Writes the C program to {@code dir} and compiles it with gcc; skips the test without gcc. */
    private static Path compileC(Path dir) throws Exception {
        assumeTrue(ExternalProcess.available("gcc", "--version"), "gcc is not available");
        Path source = Files.writeString(dir.resolve("shm.c"), C_PROGRAM);
        Path program = dir.resolve("shm");
        ExternalProcess.Result cc = ExternalProcess.run(WAIT,
                List.of("gcc", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-O1",
                        "-o", program.toString(), source.toString(), "-lrt"));
        assertThat(cc.code()).as("gcc output:%n%s", cc.output()).isZero();
        return program;
    }
}
