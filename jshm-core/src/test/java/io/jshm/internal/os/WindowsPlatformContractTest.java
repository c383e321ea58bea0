package io.jshm.internal.os;

import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform contract, on the Windows backend: its real downcalls, through the JDK's Windows x64
 * linker, into the fake kernel32 (see {@link FakeKernel32}). After each test every handle and view
 * the backend made must be closed again.
 */
class WindowsPlatformContractTest extends PlatformContract {

    @RegisterExtension
    static final RegionNames NAMES = new RegionNames(WindowsPlatformContractTest.class);

    private static WindowsPlatform windows;

    @BeforeAll
    static void bind() throws Exception {
        windows = FakeKernel32.platform(false);
    }

    @AfterEach
    void nothingLeftOpen() throws Throwable {
        assertThat(FakeKernel32.liveObjects()).as("handles and views still open in the fake").isZero();
    }

    @Override
    Platform platform() {
        return windows;
    }

    @Override
    RegionNames names() {
        return NAMES;
    }

    @Override
    boolean persistentNamedRegions() {
        return false;
    }
}
