package titan.node.server;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import io.netty.channel.EventLoopGroup;

import titan.node.api.ApiLimits;
import titan.node.api.HttpApiServer;
import titan.node.api.TcpApiServer;
import titan.node.kv.KvConfig;
import titan.node.net.ClientAddresses;
import titan.node.net.HostPort;
import titan.node.net.NettyPeerTransport;
import titan.node.net.NettyTransports;
import titan.node.net.PeerTransportConfig;
import titan.raft.Message;
import titan.raft.NodeId;

/** The production peer network and client APIs, both on Netty. */
final class NodeFactories {
    private NodeFactories() {}

    static PeerNetwork.Factory peers() {
        return (config, httpAddress, tcpAddress, inbound) -> {
            Map<NodeId, HostPort> peers = new TreeMap<>();
            config.otherPeers().forEach((id, a) -> peers.put(id, new HostPort(a.getHostString(), a.getPort())));
            InetSocketAddress listen = config.peerListenAddress();
            PeerTransportConfig peerConfig = PeerTransportConfig.of(config.id(), config.clusterId(),
                    new ClientAddresses(HostPort.parse(httpAddress), HostPort.parse(tcpAddress)),
                    new HostPort(listen.getHostString(), listen.getPort()), peers);
            NettyPeerTransport transport = new NettyPeerTransport(peerConfig, inbound);
            return new PeerNetwork() {
                @Override
                public void send(Message message) {
                    transport.send(message);
                }

                @Override
                public void sendAll(Collection<? extends Message> messages) {
                    transport.sendAll(messages);
                }

                @Override
                public String[] advertisedClientAddresses(NodeId peer) {
                    return transport.advertised(peer)
                            .map(a -> new String[] {a.http().toString(), a.tcp().toString()}).orElse(null);
                }

                @Override
                public int boundPort() {
                    return transport.listenAddress().port();
                }

                @Override
                public void close() {
                    transport.close();
                }
            };
        };
    }

    /** Both client servers on one small event-loop group: the loop thread, not I/O, is the bottleneck. */
    static ClientApis.Factory clientApis(int ioThreads) {
        return (config, service, metrics, scrape) -> {
            EventLoopGroup group = NettyTransports.newGroup(ioThreads, "titan-api-" + config.id());
            ApiLimits limits = ApiLimits.of(KvConfig.DEFAULT);
            HttpApiServer http = null;
            try {
                http = HttpApiServer.start(service, new InetSocketAddress(config.bindHost(), config.httpPort()), group,
                        limits, metrics, scrape);
                TcpApiServer tcp = TcpApiServer.start(service, new InetSocketAddress(config.bindHost(),
                        config.tcpPort()), group, limits, metrics);
                HttpApiServer httpServer = http;
                return new ClientApis() {
                    @Override
                    public int httpPort() {
                        return httpServer.port();
                    }

                    @Override
                    public int tcpPort() {
                        return tcp.port();
                    }

                    @Override
                    public void close() {
                        httpServer.close();
                        tcp.close();
                        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
                    }
                };
            } catch (RuntimeException e) {
                if (http != null) {
                    http.close();
                }
                group.shutdownGracefully();
                throw e;
            }
        };
    }
}
