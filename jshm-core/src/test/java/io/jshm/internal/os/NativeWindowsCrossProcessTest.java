package io.jshm.internal.os;

import io.jshm.NoSuchRegionException;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regions shared by name between JVMs on real Windows, crash included: the kernel closes a killed
 * process's handles, so a region lives exactly while some live process holds it. Runs only on
 * Windows (.github/workflows/windows.yml); the Linux counterpart is {@code io.jshm.CrossProcessTest}.
 */
@EnabledOnOs(OS.WINDOWS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // children held open by try blocks
class NativeWindowsCrossProcessTest {

    @RegisterExtension
    static final RegionNames NAMES = new RegionNames(NativeWindowsCrossProcessTest.class);

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aRegionMadeByAChildIsSharedAndOutlivesItsKilledCreator() throws Exception {
        String name = NAMES.next();
        try (ChildJvm child = ChildJvm.start(RegionChild.class, "create", name, "4096")) {
            child.await("HELD created=true", Waits.STARTUP);
            try (SharedMemory shm = SharedMemory.openOrCreate(name, 4096)) {
                assertThat(shm.created()).isFalse();
                assertThat(shm.size()).isEqualTo(4096);
                MemorySegment seg = shm.segment();
                assertThat(RegionChild.readString(seg, 0)).isEqualTo(RegionChild.CHILD_MARK);
                child.kill9();
                assertThat(SharedMemory.exists(name)).as("this process still holds it").isTrue();
                assertThat(RegionChild.readString(seg, 0)).isEqualTo(RegionChild.CHILD_MARK);
            }
        }
        assertThat(SharedMemory.exists(name)).as("gone with its last live holder").isFalse();
        assertThatThrownBy(() -> SharedMemory.open(name)).isInstanceOf(NoSuchRegionException.class);
    }

    @Test
    void aRegionWhoseEveryHolderWasKilledIsGone() throws Exception {
        String name = NAMES.next();
        try (ChildJvm creator = ChildJvm.start(RegionChild.class, "create", name, "4096")) {
            creator.await("HELD created=true", Waits.STARTUP);
            try (ChildJvm opener = ChildJvm.start(RegionChild.class, "open", name)) {
                opener.await("HELD created=false", Waits.STARTUP);
                creator.kill9();
                assertThat(SharedMemory.exists(name)).as("the opener still holds it").isTrue();
                opener.kill9();
            }
        }
        Waits.awaitCondition("the region is gone after both holders were killed", WAIT,
                () -> !SharedMemory.exists(name));
    }
}
