package io.jshm.internal.os;

import java.util.function.Supplier;

/**
 * Makes the Windows backend over the fake kernel32 the platform of a whole JVM: a child started
 * with {@code -Djshm.platform.factory=io.jshm.internal.os.FakeWindowsPlatformFactory} and
 * {@code -Djshm.fake.kernel32=<library>} runs the public API (regions, sync, queues) on it.
 */
public final class FakeWindowsPlatformFactory implements Supplier<Platform> {

    public FakeWindowsPlatformFactory() {
    }

    @Override
    public Platform get() {
        try {
            return FakeKernel32.platform(false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind the Windows backend to the fake kernel32", e);
        }
    }
}
