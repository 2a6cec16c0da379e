package titan.node.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** Binding helpers shared by both API servers. */
final class Servers {
    private Servers() {}

    static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address, String what) {
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new UncheckedIOException(new IOException("cannot bind the " + what + " API to " + address + ": "
                    + cause.getMessage(), cause));
        }
        return bound.channel();
    }
}
