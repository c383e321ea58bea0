package io.jshm;

import io.jshm.testing.ChildJvm;
import io.jshm.testing.OtherThread;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SharedMemoryOptions#withConfined}: a confined handle is its thread's alone (others get
 * {@link WrongThreadException}, for access and for close, and the handle stays usable), and it
 * shares its region with other processes as any handle does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfinedHandleTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(ConfinedHandleTest.class);

    private static final SharedMemoryOptions CONFINED = SharedMemoryOptions.defaults().withConfined(true);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theOptionIsOffByDefaultAndKeptByTheOtherWiths() {
        assertThat(SharedMemoryOptions.defaults().confined()).isFalse();
        SharedMemoryOptions options = CONFINED.withMode(0640).withPrefault(true).withLifetime(Lifetime.PERSISTENT)
                .withOpenTimeout(Duration.ofSeconds(1)).withAccess(Access.READ_WRITE).withForeignOwnerAllowed(true);
        assertThat(options.confined()).isTrue();
        assertThat(options.withConfined(false).confined()).isFalse();
    }

    @Test
    void onlyTheOwnerThreadAccessesOrClosesAConfinedHandle() throws Exception {
        String name = names.next();
        SharedMemory shm = SharedMemory.create(name, 4096, CONFINED);
        try {
            MemorySegment segment = shm.segment();
            segment.set(ValueLayout.JAVA_LONG, 8, 42L);

            assertThat(OtherThread.run(() -> segment.get(ValueLayout.JAVA_LONG, 8)).thrown())
                    .isInstanceOf(WrongThreadException.class);
            assertThat(OtherThread.run(() -> {
                shm.close();
                return null;
            }).thrown()).isInstanceOf(WrongThreadException.class);

            assertThat(shm.isOpen()).as("a refused close leaves the handle open").isTrue();
            assertThat(segment.get(ValueLayout.JAVA_LONG, 8)).isEqualTo(42L);
            assertThat(SharedMemory.exists(name)).isTrue();
        } finally {
            shm.close();
        }
        assertThat(shm.isOpen()).isFalse();
        assertThatThrownBy(() -> shm.segment().get(ValueLayout.JAVA_LONG, 8)).isInstanceOf(IllegalStateException.class);
        assertThat(SharedMemory.exists(name)).as("removed at last close").isFalse();
    }

    @Test
    void viewsOfAConfinedHandleFollowTheirOwnArenas() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 8192, CONFINED); Arena shared = Arena.ofShared()) {
            MemorySegment view = shm.map(shared, 4096, 4096);
            view.set(ValueLayout.JAVA_INT, 0, 7);
            assertThat(OtherThread.run(() -> view.get(ValueLayout.JAVA_INT, 0)).value()).isEqualTo(7);
            assertThat(shm.segment().get(ValueLayout.JAVA_INT, 4096)).isEqualTo(7);
        }
    }

    @Test
    void anotherProcessSharesTheRegionOfAConfinedHandle() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096, CONFINED)) {
            try (ChildJvm child = ChildJvm.start(RegionChild.class, "echo", name)) {
                RegionChild.writeString(shm.segment(), RegionChild.MESSAGE, "frame");
                RegionChild.INT.setRelease(shm.segment(), RegionChild.FLAG, 1); // the message is written
                child.await("DONE", WAIT);
                assertThat((int) RegionChild.INT.getAcquire(shm.segment(), RegionChild.FLAG)).isEqualTo(2);
                assertThat(RegionChild.readString(shm.segment(), RegionChild.ANSWER))
                        .isEqualTo(RegionChild.ANSWER_PREFIX + "frame");
                child.send("close");
                child.await("CLOSED", WAIT);
                assertThat(child.waitFor(WAIT)).isZero();
            }
        }
        assertThat(SharedMemory.exists(name)).isFalse();
    }
}
