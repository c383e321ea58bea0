package io.jshm.internal.os;

import io.jshm.testing.RegionNames;
import io.jshm.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What only the Windows backend does, through the fake kernel32: the wording of its errors, the
 * {@code Global\} namespace, the size record, the names of its wait objects, and what it refuses.
 * (The behaviour it shares with Linux is {@link WindowsPlatformContractTest}'s.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WindowsBackendTest {

    @RegisterExtension
    static final RegionNames NAMES = new RegionNames(WindowsBackendTest.class);

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(2);
    private static WindowsPlatform local;
    private static WindowsPlatform global;
    private static Win32 win32;

    @BeforeAll
    static void bind() throws Exception {
        local = FakeKernel32.platform(false);
        global = FakeKernel32.platform(true);
        win32 = FakeKernel32.win32();
    }

    @AfterEach
    void nothingLeftOpen() throws Throwable {
        FakeKernel32.globalPrivilege(false);
        assertThat(FakeKernel32.liveObjects()).as("handles and views still open in the fake").isZero();
    }

    private static Target.Named named(String name) {
        return new Target.Named(name);
    }

    @Test
    void errorsSayTheCallTheCodeAndTheSystemsText() {
        String name = NAMES.next();
        assertThatThrownBy(() -> local.open(named(name), false, TIMEOUT))
                .isInstanceOfSatisfying(OsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.code()).isEqualTo(WinError.ERROR_FILE_NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("OpenFileMappingW failed: ERROR_FILE_NOT_FOUND (2) "
                            + "The system cannot find the file specified., name=" + name);
                });
        NativeRegion first = local.create(named(name), 100, 0600, true, TIMEOUT);
        try {
            assertThatThrownBy(() -> local.create(named(name), 100, 0600, true, TIMEOUT))
                    .isInstanceOfSatisfying(OsException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS);
                        assertThat(e.code()).isEqualTo(WinError.ERROR_ALREADY_EXISTS);
                        assertThat(e.getMessage()).contains("ERROR_ALREADY_EXISTS (183) "
                                + "Cannot create a file when that file already exists.").contains(name);
                    });
        } finally {
            first.close();
        }
    }

    @Test
    void globalNamesNeedThePrivilegeToCreateAndAreApartFromLocalOnes() throws Throwable {
        String name = NAMES.next();
        assertThatThrownBy(() -> global.create(named(name), 100, 0600, true, TIMEOUT))
                .isInstanceOfSatisfying(OsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                    assertThat(e.getMessage()).contains("ERROR_ACCESS_DENIED (5) Access is denied.")
                            .contains("SeCreateGlobalPrivilege");
                });
        FakeKernel32.globalPrivilege(true);
        NativeRegion region = global.create(named(name), 100, 0600, true, TIMEOUT);
        try {
            global.open(named(name), true, TIMEOUT).close();
            assertThatThrownBy(() -> local.open(named(name), true, TIMEOUT))
                    .isInstanceOfSatisfying(OsException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        } finally {
            region.close();
        }
    }

    @Test
    void aRegionMadeByAnotherProgramHasItsPageRoundedSize() {
        String name = NAMES.next();
        long mapping = win32.createFileMapping(Win32.INVALID_HANDLE_VALUE, Win32.PAGE_READWRITE, 1000,
                local.objectName(name), name).handle();
        try {
            NativeRegion region = local.open(named(name), false, TIMEOUT);
            assertThat(region.size()).isEqualTo(4096);
            region.close();
        } finally {
            win32.closeHandle(mapping);
        }
    }

    @Test
    void aSizeRecordLargerThanTheMappingIsCorrupt() {
        String name = NAMES.next();
        long record = win32.createFileMapping(Win32.INVALID_HANDLE_VALUE, Win32.PAGE_READWRITE, 8,
                local.objectName(name) + "#size", name).handle();
        long mapping = win32.createFileMapping(Win32.INVALID_HANDLE_VALUE, Win32.PAGE_READWRITE, 4096,
                local.objectName(name), name).handle();
        long view = win32.mapViewOfFile(record, Win32.FILE_MAP_WRITE, 0, 8, name);
        try {
            MemorySegment.ofAddress(view).reinterpret(8).set(JAVA_LONG, 0, 1L << 40);
            assertThatThrownBy(() -> local.open(named(name), false, TIMEOUT))
                    .isInstanceOfSatisfying(OsException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT);
                        assertThat(e.getMessage()).contains("size record says 1099511627776 bytes");
                    });
        } finally {
            win32.unmapViewOfFile(view);
            win32.closeHandle(mapping);
            win32.closeHandle(record);
        }
    }

    @Test
    void aNameHeldByAnotherKindOfObjectIsCorrupt() {
        String name = NAMES.next();
        long semaphore = win32.createSemaphore(1, local.objectName(name));
        try {
            assertThatThrownBy(() -> local.open(named(name), false, TIMEOUT))
                    .isInstanceOfSatisfying(OsException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT);
                        assertThat(e.getMessage()).contains("ERROR_INVALID_HANDLE (6)");
                    });
        } finally {
            win32.closeHandle(semaphore);
        }
    }

    @Test
    void aWaiterSleepsOnASemaphoreNamedByRegionAndOffset() throws Exception {
        String name = NAMES.next();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        NativeRegion region = local.create(named(name), 2 * 65536, 0600, true, TIMEOUT);
        long view = region.map(65536, 4096, false);
        try {
            CompletableFuture<WaitOutcome> waiter = CompletableFuture.supplyAsync(
                    () -> local.await(view + 8, 0, TimeUnit.SECONDS.toNanos(20)), thread);
            String semaphore = "Local\\" + name + "#w10008"; // offset 0x10008 of the region
            Waits.awaitCondition("the waiter's semaphore " + semaphore + " exists", Duration.ofSeconds(10), () -> {
                long h = win32.openSemaphoreIfAny(semaphore);
                if (h != 0) {
                    win32.closeHandle(h);
                }
                return h != 0;
            });
            local.wake(view + 8, 1);
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(WaitOutcome.WOKEN);
            assertThat(win32.openSemaphoreIfAny(semaphore)).as("gone with its last waiter").isZero();
        } finally {
            thread.shutdownNow();
            region.unmap(view, 4096);
            region.close();
        }
    }

    @Test
    void whatWindowsCannotDoIsRefusedWithTheReason(@TempDir Path dir) {
        String name = NAMES.next();
        NativeRegion region = local.create(named(name), 100, 0600, true, TIMEOUT);
        try {
            assertThatThrownBy(() -> local.unlink(named(name)))
                    .isInstanceOf(OsException.class).hasMessageContaining("cannot be removed on Windows");
        } finally {
            region.close();
        }
        assertThatThrownBy(local::list).isInstanceOf(OsException.class).hasMessageContaining("listing");
        assertThatThrownBy(() -> local.create(new Target.File(dir.resolve("f.bin")), 100, 0600, true, TIMEOUT))
                .isInstanceOf(OsException.class).hasMessageContaining("UNTIL_LAST_CLOSE is not supported");
        assertThat(dir.resolve("f.bin")).doesNotExist();
    }

    @Test
    void onLinuxGetLastErrorCannotBeCapturedSoTheSeamCallsIt() throws Exception {
        // Why LastError has two forms: captureCallState knows only the host's errno here.
        assertThatThrownBy(() -> Linker.Option.captureCallState("GetLastError"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errno");
        assertThatThrownBy(() -> FakeKernel32.windowsLinker().downcallHandle(FunctionDescriptor.ofVoid(),
                Linker.Option.captureCallState("GetLastError"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(LastError.called(FakeKernel32.windowsLinker(), FakeKernel32.lookup()).options()).isEmpty();
    }

    @Test
    void viewOffsetsAreAlignedToTheAllocationGranularity() {
        assertThat(local.mapAlignment()).isEqualTo(65536);
        assertThat(local.maxNameLength()).isEqualTo(WindowsPlatform.MAX_NAME);
    }
}
