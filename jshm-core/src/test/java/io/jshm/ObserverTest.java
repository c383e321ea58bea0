package io.jshm;

import io.jshm.queue.QueueState;
import io.jshm.queue.QueueType;
import io.jshm.queue.SharedQueue;
import io.jshm.sync.PrimitiveState;
import io.jshm.sync.SeqLock;
import io.jshm.sync.SharedEvent;
import io.jshm.sync.SharedMutex;
import io.jshm.sync.SharedSemaphore;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionChild;
import io.jshm.testing.RegionNames;
import io.jshm.testing.ShmFiles;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The observer API: views that hold nothing, decoded headers, who maps a region. */
@Timeout(60)
class ObserverTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(ObserverTest.class);

    @Test
    void aViewNeitherKeepsARegionAliveNorRemovesAStaleOne() throws Exception {
        String name = names.next();
        try (ChildJvm child = ChildJvm.start(RegionChild.class, "create", name, "4096")) {
            child.await("HELD created=true", Waits.STARTUP);
            try (RegionView view = RegionView.open(name)) {
                assertThat(RegionChild.readString(view.segment(), 0)).isEqualTo(RegionChild.CHILD_MARK);
                assertThat(SharedMemory.info(name).holders()).containsExactly(child.pid());
                child.kill9();
                Waits.awaitCondition("the region stale", Waits.STARTUP, () -> SharedMemory.info(name).stale());
                // the view held nothing, so the region is stale; looking again does not remove it
                try (RegionView again = RegionView.open(name)) {
                    assertThat(again.size()).isEqualTo(4096);
                }
                assertThat(ShmFiles.present(name)).isTrue();
                assertThat(RegionChild.readString(view.segment(), 0)).isEqualTo(RegionChild.CHILD_MARK);
            }
        }
        assertThatThrownBy(() -> SharedMemory.open(name)).isInstanceOf(NoSuchRegionException.class);
        assertThat(ShmFiles.present(name)).isFalse();
    }

    @Test
    void theLastCloseRemovesARegionEvenWhileAViewIsOpen() {
        String name = names.next();
        RegionView view;
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            shm.segment().set(ValueLayout.JAVA_LONG, 8, 42L);
            view = RegionView.open(name);
        }
        try (view) {
            assertThat(ShmFiles.present(name)).isFalse();
            assertThat(view.segment().get(ValueLayout.JAVA_LONG, 8)).isEqualTo(42L); // the mapping outlives the name
            assertThat(view.segment().isReadOnly()).isTrue();
            assertThatThrownBy(() -> view.segment().set(ValueLayout.JAVA_LONG, 8, 1L))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(view::segment).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RegionView.open(name)).isInstanceOf(NoSuchRegionException.class)
                .hasMessageContaining("ENOENT");
    }

    @Test
    void infoNamesTheProcessesThatMapARegionAndWhenItWasCreated() throws Exception {
        String name = names.next();
        Instant before = Instant.now().minusSeconds(2);
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             ChildJvm child = ChildJvm.start(RegionChild.class, "open", name)) {
            child.await("HELD created=false", Waits.STARTUP);
            RegionInfo info = SharedMemory.info(name);
            assertThat(info.mappedBy()).extracting(RegionProcess::pid)
                    .containsExactly(Math.min(ProcessHandle.current().pid(), child.pid()),
                            Math.max(ProcessHandle.current().pid(), child.pid()));
            assertThat(info.mappedBy()).extracting(RegionProcess::command).containsOnly("java");
            assertThat(info.created()).isAfter(before).isBeforeOrEqualTo(Instant.now());
            assertThat(SharedMemory.list()).filteredOn(r -> r.name().equals(name)).singleElement()
                    .extracting(RegionInfo::mappedBy).isEqualTo(info.mappedBy());
            child.send("close");
            child.await("CLOSED", Waits.STARTUP);
            assertThat(SharedMemory.info(name).mappedBy()).extracting(RegionProcess::pid)
                    .containsExactly(ProcessHandle.current().pid());
        }
    }

    @Test
    void primitivesAndQueuesAreDecodedAndOtherBytesAreNot() throws Exception {
        String name = names.next();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            MemorySegment s = shm.segment();
            assertThat(PrimitiveState.inspect(s, 0)).isEmpty();
            SharedMutex mutex = SharedMutex.initialize(s, 0);
            assertThat(SharedSemaphore.initialize(s, 64, 3).tryAcquire()).isTrue();
            SharedEvent.initialize(s, 128, SharedEvent.Reset.AUTO).set();
            SeqLock.initialize(s, 256, 16);
            mutex.lock();
            try (RegionView view = RegionView.open(name)) {
                MemorySegment v = view.segment();
                assertThat(PrimitiveState.inspect(v, 0)).contains(
                        new PrimitiveState.Mutex(ProcessHandle.current().pid(),
                                Thread.currentThread().threadId() & 0xFFFF_FFFFL, true, 0, 0));
                assertThat(PrimitiveState.inspect(v, 64)).contains(new PrimitiveState.Semaphore(2, 3, 0));
                assertThat(PrimitiveState.inspect(v, 128)).contains(new PrimitiveState.Event(true, true, 0));
                assertThat(PrimitiveState.inspect(v, 256)).contains(new PrimitiveState.Seq(16, 0, 0, false));
                assertThat(PrimitiveState.inspect(v, 4)).isEmpty();    // misaligned
                assertThat(PrimitiveState.inspect(v, 4092)).isEmpty(); // does not fit
                assertThat(QueueState.inspect(v, name)).isEmpty();
            } finally {
                mutex.unlock();
            }
        }
    }

    @Test
    void aQueueIsReadWithoutTakingARoleAndAForgedHeaderIsCorrupt() {
        String name = names.next();
        try (SharedQueue queue = SharedQueue.create(name, 1024, QueueType.MPSC)) {
            queue.offer(1, MemorySegment.ofArray(new byte[10]));
            try (RegionView view = RegionView.open(name)) {
                QueueState state = QueueState.inspect(view.segment(), name).orElseThrow();
                assertThat(state.counters()).isEqualTo(queue.counters());
                assertThat(state.counters().depth()).isEqualTo(24);
                assertThat(state.maxMessageLength()).isEqualTo(256);
                assertThat(state.consumerAlive()).isFalse();
            }
            // the observer took no role: a consumer can still have it
            assertThat(queue.poll((type, buffer, offset, length) -> { }, 10)).isEqualTo(1);
        }
        String forged = names.next();
        try (SharedMemory shm = SharedMemory.create(forged, 2048)) {
            shm.segment().set(ValueLayout.JAVA_INT, 0, 0x5148534A); // the queue magic, nothing else
            assertThatThrownBy(() -> QueueState.inspect(shm.segment(), forged))
                    .isInstanceOf(CorruptRegionException.class).hasMessageContaining("corrupt or foreign");
        }
    }
}
