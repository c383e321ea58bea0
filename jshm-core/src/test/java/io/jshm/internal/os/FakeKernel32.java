package io.jshm.internal.os;

import io.jshm.testing.ExternalProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fake kernel32 (src/test/resources/win32/fake_kernel32.c), built with gcc once per JVM into
 * {@code target/win32}, and the Windows backend bound to it through the JDK's Windows x64 linker.
 * That linker is internal to the JDK: it is reached by reflection, which needs
 * {@code --add-exports java.base/jdk.internal.foreign.abi.x64.windows=ALL-UNNAMED} on the test JVM
 * (jshm-core's surefire argLine). Tests that use it are skipped where gcc is missing.
 */
final class FakeKernel32 {
    private FakeKernel32() {
    }

    static final Path DIR = Path.of("target", "win32").toAbsolutePath();
    private static final Duration BUILD = Duration.ofSeconds(60);
    private static Path library;
    private static SymbolLookup lookup;

    /** {@return the JDK's Windows x64 linker, usable on any host} */
    static Linker windowsLinker() {
        try {
            Class<?> c = Class.forName("jdk.internal.foreign.abi.x64.windows.Windowsx64Linker");
            return (Linker) c.getMethod("getInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the JDK's Windows x64 linker is not reachable (is the test JVM run with "
                    + "--add-exports java.base/jdk.internal.foreign.abi.x64.windows=ALL-UNNAMED?)", e);
        }
    }

    /** The system property that gives a child JVM the fake its parent built. */
    static final String LIBRARY_PROPERTY = "jshm.fake.kernel32";

    /**
     * {@return the fake's path: the one {@link #LIBRARY_PROPERTY} names, or one built here first if
     * this JVM has not; skips the test without gcc}
     */
    static synchronized Path library() throws IOException, InterruptedException {
        if (library == null && System.getProperty(LIBRARY_PROPERTY) != null) {
            library = Path.of(System.getProperty(LIBRARY_PROPERTY));
        }
        if (library == null) {
            assumeTrue(System.getProperty("os.name", "").startsWith("Linux"),
                    "the fake kernel32 is built on Linux only (it is made of Linux calls)");
            assumeTrue(ExternalProcess.available("gcc", "--version"), "gcc is not available to build the fake kernel32");
            Files.createDirectories(DIR);
            Path source = copyResource("fake_kernel32.c");
            copyResource("win32_api.h");
            Path out = DIR.resolve("libfake_kernel32.so");
            ExternalProcess.Result cc = ExternalProcess.run(BUILD, List.of("gcc", "-shared", "-fPIC", "-O1", "-Wall",
                    "-Werror", "-o", out.toString(), source.toString(), "-lpthread"));
            assertThat(cc.code()).as("gcc output:%n%s", cc.output()).isZero();
            library = out;
        }
        return library;
    }

    /** {@return a lookup over the fake, loaded once per JVM (its objects are shared by every user in the JVM)} */
    static synchronized SymbolLookup lookup() throws IOException, InterruptedException {
        if (lookup == null) {
            lookup = SymbolLookup.libraryLookup(library(), Arena.global());
        }
        return lookup;
    }

    /** {@return the Windows backend over the fake, in {@code Local\} or {@code Global\}} */
    static WindowsPlatform platform(boolean global) throws IOException, InterruptedException {
        Linker linker = windowsLinker();
        SymbolLookup fake = lookup();
        return new WindowsPlatform(linker, fake, LastError.called(linker, fake), global);
    }

    /** {@return the backend's own Win32 bindings over the fake, to make objects as another program would} */
    static Win32 win32() throws IOException, InterruptedException {
        Linker linker = windowsLinker();
        return new Win32(linker, lookup(), LastError.called(linker, lookup()));
    }

    /** {@return how many handles and views are open in the fake} */
    static int liveObjects() throws Throwable {
        return (int) call("FakeWin32LiveObjects", FunctionDescriptor.of(JAVA_INT)).invokeExact();
    }

    /** {@return how many threads sleep in the fake's {@code WaitForSingleObject} on a semaphore now} */
    static int sleepers() throws Throwable {
        return (int) call("FakeWin32Sleepers", FunctionDescriptor.of(JAVA_INT)).invokeExact();
    }

    /** {@return how many waits that blocked were ended by a release, so far} */
    static int woken() throws Throwable {
        return (int) call("FakeWin32Woken", FunctionDescriptor.of(JAVA_INT)).invokeExact();
    }

    /** Grants or withdraws this process's (fake) {@code SeCreateGlobalPrivilege}. */
    static void globalPrivilege(boolean held) throws Throwable {
        call("FakeWin32SetGlobalPrivilege", FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(held ? 1 : 0);
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor) throws IOException, InterruptedException {
        return windowsLinker().downcallHandle(lookup().find(name).orElseThrow(), descriptor);
    }

    /** Copies a file of src/test/resources/win32 into {@link #DIR}. */
    static Path copyResource(String name) throws IOException {
        Files.createDirectories(DIR);
        Path target = DIR.resolve(name);
        try (InputStream in = FakeKernel32.class.getResourceAsStream("/win32/" + name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("test resource missing: /win32/" + name));
            }
            Files.write(target, in.readAllBytes());
        }
        return target;
    }
}
