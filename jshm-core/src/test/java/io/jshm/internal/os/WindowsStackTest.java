package io.jshm.internal.os;

import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole library (regions, {@code SharedEvent}, {@code SharedMutex}, {@code SharedQueue}) on the
 * Windows backend: a child JVM whose {@code Platform.current()} is that backend over the fake
 * kernel32 ({@code -Djshm.platform.factory}) runs {@link WindowsStackChild}.
 */
@SuppressWarnings("try") // resources held open for their scope; closes that may be interrupted
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WindowsStackTest {

    @RegisterExtension
    static final RegionNames NAMES = new RegionNames(WindowsStackTest.class);

    @Test
    void theLibraryRunsOnTheWindowsBackend() throws Exception {
        String library = FakeKernel32.library().toString();
        List<String> options = List.of("-Djshm.platform.factory=" + FakeWindowsPlatformFactory.class.getName(),
                "-D" + FakeKernel32.LIBRARY_PROPERTY + "=" + library,
                "--add-exports", "java.base/jdk.internal.foreign.abi.x64.windows=ALL-UNNAMED");
        try (ChildJvm child = ChildJvm.start(options, WindowsStackChild.class, NAMES.next())) {
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = child.nextLine(Waits.STARTUP);
                lines.add(line);
            } while (!line.equals("DONE") && !line.startsWith("FAILED"));
            assertThat(lines).as(child.diagnostics()).doesNotHaveDuplicates()
                    .contains("platform WindowsPlatform alignment 65536", "OK event", "OK mutex", "OK queue", "DONE");
            assertThat(lines).anyMatch(l -> l.startsWith("OK regions; after the last close: cannot open region")
                    && l.contains("ERROR_FILE_NOT_FOUND (2) The system cannot find the file specified."));
            assertThat(lines).anyMatch(l -> l.startsWith("OK persistent refused:"));
            Waits.awaitSuccess(child, Duration.ofSeconds(10));
        }
    }
}
