package io.jshm.cli;

import io.jshm.Lifetime;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.ExternalProcess;
import io.jshm.testing.RegionNames;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code jshm top} on a real terminal: a pseudo-terminal made by {@code script(1)}, once as a
 * full-screen terminal (xterm) and once as one without cursor control (dumb); {@code q} quits.
 */
@Timeout(60)
class TopTerminalTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(TopTerminalTest.class);

    private String queue;

    @AfterEach
    void removeRegions() {
        if (queue != null) {
            SharedMemory.unlink(queue);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xterm-256color", "dumb"})
    void framesUntilQIsPressed(String term) throws Exception {
        assumeTrue(ExternalProcess.available("script", "--version"), "script (util-linux) is not available");
        queue = names.next();
        SharedQueue.create(queue, 4096, QueueType.MPSC, SharedMemoryOptions.defaults()
                .withLifetime(Lifetime.PERSISTENT)).close();
        String java = String.join(" ", ChildJvm.javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "top", "--interval", "200ms", "'" + names.prefix() + "*'");
        try (ExternalProcess top = ExternalProcess.start(List.of("env", "TERM=" + term, "script", "-qfec", java,
                "/dev/null"))) {
            Waits.awaitCondition("two frames", Duration.ofSeconds(30),
                    () -> top.output().split("jshm top ", -1).length > 2, top::output);
            top.send("q");
            assertThat(top.waitFor(Duration.ofSeconds(20))).as(top.output()).isZero();
            String screen = top.output();
            assertThat(screen).contains("1 regions, 1 queues", "q quits", queue, "queue/mpsc");
            if (term.equals("dumb")) {
                assertThat(screen).doesNotContain("\u001b[?1049h", "\u001b[1m");
            } else {
                assertThat(screen).contains("\u001b[?1049h", "\u001b[?1049l"); // into the alternate screen and back
            }
        }
    }
}
