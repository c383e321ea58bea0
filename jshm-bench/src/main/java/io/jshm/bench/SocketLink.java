package io.jshm.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A stream socket, Unix domain or TCP over loopback, carrying both directions of a transport:
 * each message is framed by a 4-byte length. The channel is non-blocking and both ends spin on
 * it, as the shared-memory transports spin; every send and every read is a system call.
 */
final class SocketLink implements Link {
    private static final int MAX_FRAME = 4 + (1 << 20);

    private final SocketChannel channel;
    private final ByteBuffer out = ByteBuffer.allocateDirect(MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment outView = MemorySegment.ofBuffer(out);
    private final ByteBuffer in = ByteBuffer.allocateDirect(4 * MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment inView = MemorySegment.ofBuffer(in);

    private SocketLink(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        in.flip(); // read mode, empty
    }

    /** {@return the socket address of an address string: {@code unix:PATH} or {@code tcp:PORT} (loopback)} */
    static SocketAddress address(String spec) {
        if (spec.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(Path.of(spec.substring(5)));
        }
        if (spec.startsWith("tcp:")) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(spec.substring(4)));
        }
        throw new IllegalArgumentException("socket address must be unix:PATH or tcp:PORT, got " + spec);
    }

    /** Binds {@code spec}, accepts one connection, and {@return it as a link} */
    static SocketLink accept(String spec) throws IOException {
        SocketAddress address = address(spec);
        boolean unix = address instanceof UnixDomainSocketAddress;
        try (ServerSocketChannel server = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                : ServerSocketChannel.open()) {
            if (!unix) {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            server.bind(address);
            SocketChannel channel = server.accept();
            if (!unix) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            return new SocketLink(channel);
        } finally {
            if (unix) {
                java.nio.file.Files.deleteIfExists(((UnixDomainSocketAddress) address).getPath());
            }
        }
    }

    /** Connects to {@code spec}, retrying while the other end is not yet listening (up to 60 s). */
    static SocketLink connect(String spec) throws IOException, InterruptedException {
        SocketAddress address = address(spec);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                SocketChannel channel = SocketChannel.open(address);
                if (address instanceof InetSocketAddress) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                return new SocketLink(channel);
            } catch (IOException notYet) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("cannot connect to " + spec + " within 60 s: " + notYet.getMessage(), notYet);
                }
                Thread.sleep(5);
            }
        }
    }

    @Override
    public void send(MemorySegment message, int length) throws IOException {
        out.clear();
        out.putInt(length);
        MemorySegment.copy(message, 0, outView, 4, length);
        out.position(4 + length).flip();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public int poll(Received into, Runnable each, int limit) throws IOException {
        if (!frameReady()) {
            in.compact();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                throw new IOException("socket closed by the other end");
            }
        }
        int taken = 0;
        while (taken < limit && frameReady()) {
            int length = in.getInt(in.position());
            into.note(inView, in.position() + 4L, length);
            in.position(in.position() + 4 + length);
            each.run();
            taken++;
        }
        return taken;
    }

    private boolean frameReady() {
        return in.remaining() >= 4 && in.remaining() >= 4 + in.getInt(in.position());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
