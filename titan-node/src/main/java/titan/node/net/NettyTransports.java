package titan.node.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Netty transport the node's event loops run: the native epoll transport where its library
 * loads (Linux x86-64; fewer syscalls and no selector garbage per wake-up), else NIO. The system
 * property {@code titan.netty.transport=nio} forces NIO. Channels must match their group's
 * transport, so servers and clients ask {@link #serverChannel(EventLoopGroup)} and
 * {@link #socketChannel(EventLoopGroup)} for the group they were given (tests pass NIO groups).
 */
public final class NettyTransports {
    private static final Logger log = LoggerFactory.getLogger(NettyTransports.class);
    private static final boolean EPOLL = chooseEpoll();

    private NettyTransports() {}

    private static boolean chooseEpoll() {
        if ("nio".equalsIgnoreCase(System.getProperty("titan.netty.transport", ""))) {
            log.info("Netty transport: NIO (titan.netty.transport=nio)");
            return false;
        }
        boolean available;
        try {
            available = Epoll.isAvailable();
        } catch (Throwable t) { // a missing class or native library: NIO serves
            log.info("Netty transport: NIO (epoll unavailable: {})", t.toString());
            return false;
        }
        if (available) {
            log.info("Netty transport: native epoll");
        } else {
            log.info("Netty transport: NIO (epoll unavailable: {})", Epoll.unavailabilityCause().toString());
        }
        return available;
    }

    /** Whether new groups run the native epoll transport. */
    public static boolean epoll() {
        return EPOLL;
    }

    /** A group of {@code threads} daemon event loops named {@code name-N} on the chosen transport. */
    public static EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
    }

    private static boolean isEpoll(EventLoopGroup group) {
        return EPOLL && group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
    }

    /** The listening channel type that fits {@code group}'s transport. */
    public static Class<? extends ServerChannel> serverChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The connecting channel type that fits {@code group}'s transport. */
    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
