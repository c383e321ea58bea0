package io.jshm.internal.os;

import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The platform contract, on Linux's POSIX shared memory. */
class LinuxPlatformContractTest extends PlatformContract {

    @RegisterExtension
    static final RegionNames NAMES = new RegionNames(LinuxPlatformContractTest.class);

    private static final Platform LINUX = new LinuxPlatform();

    @Override
    Platform platform() {
        return LINUX;
    }

    @Override
    RegionNames names() {
        return NAMES;
    }

    @Override
    boolean persistentNamedRegions() {
        return true;
    }
}
