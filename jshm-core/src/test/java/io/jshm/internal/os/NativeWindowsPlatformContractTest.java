package io.jshm.internal.os;

import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The platform contract on real Windows: the platform this JVM selects, kernel32 through the
 * native linker with {@code captureCallState("GetLastError")}. Runs only on Windows (the hosted
 * runner of .github/workflows/windows.yml); on Linux the same backend is tested through the fake.
 */
@EnabledOnOs(OS.WINDOWS)
class NativeWindowsPlatformContractTest extends PlatformContract {

    @RegisterExtension
    static final RegionNames NAMES = new RegionNames(NativeWindowsPlatformContractTest.class);

    @Override
    Platform platform() {
        return Platform.current();
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
