package titan.lab.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy for one directed peer link ({@code from -> to}), owned by the harness, in the manner
 * of Toxiproxy: it listens on 127.0.0.1 and relays every connection to {@code target}. The nemesis
 * can {@link #cut()} it (open connections are closed and new ones refused until {@link #heal()}),
 * or give it {@link LinkFaults} (delay with jitter, dropped connections, a byte rate).
 *
 * <p>Each relayed connection has, per direction, a reader thread that stamps chunks with their
 * delivery time and a writer thread that holds each chunk until then; a bounded queue between them
 * pushes back on a fast sender. Threads are daemons, so a proxy never keeps the lab alive.
 * Thread-safe.
 */
public final class LinkProxy implements AutoCloseable {
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int QUEUE_CHUNKS = 64;

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final SplittableRandom seedSource;
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile LinkFaults faults = LinkFaults.HEALTHY;
    private volatile boolean cut;
    private volatile boolean closed;

    /** Binds a free port on 127.0.0.1 and starts accepting. */
    public LinkProxy(String name, InetSocketAddress target, long seed) throws IOException {
        this.name = name;
        this.target = target;
        this.seedSource = new SplittableRandom(seed);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "proxy-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String name() {
        return name;
    }

    /** The port the link's sender connects to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (refused ones included). */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return connections.size();
    }

    public boolean isCut() {
        return cut;
    }

    /** Closes every open connection and refuses new ones until {@link #heal()}. */
    public void cut() {
        cut = true;
        connections.forEach(Connection::close);
    }

    /** Accepts and relays again; keeps the current {@link LinkFaults}. */
    public void heal() {
        cut = false;
    }

    public LinkFaults faults() {
        return faults;
    }

    /** Applies to chunks read from now on, on open and new connections. */
    public void setFaults(LinkFaults newFaults) {
        faults = newFaults;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket only fails if it is already closed
        }
        connections.forEach(Connection::close);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            if (cut) {
                closeQuietly(in);
                continue;
            }
            Socket out = new Socket();
            try {
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                out.connect(target, 2000);
            } catch (IOException e) {
                closeQuietly(in);
                closeQuietly(out);
                continue; // the target is down: the sender sees a closed connection, as without a proxy
            }
            Connection c;
            synchronized (seedSource) {
                c = new Connection(in, out, seedSource.split());
            }
            connections.add(c);
            if (cut || closed) {
                c.close();
            } else {
                c.start();
            }
        }
    }

    /** One relayed connection: two sockets, two directions. */
    private final class Connection {
        private final Socket in;
        private final Socket out;
        private final SplittableRandom random;
        private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        private final AtomicInteger directionsEnded = new AtomicInteger();
        private volatile boolean done;

        Connection(Socket in, Socket out, SplittableRandom random) {
            this.in = in;
            this.out = out;
            this.random = random;
        }

        void start() {
            try {
                direction(in.getInputStream(), out, "up");
                direction(out.getInputStream(), in, "down");
            } catch (IOException e) {
                close();
            }
        }

        private void direction(InputStream source, Socket destination, String label) throws IOException {
            BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
            OutputStream sink = destination.getOutputStream();
            Thread reader = new Thread(() -> read(source, queue), "proxy-" + name + "-" + label + "-read");
            Thread writer = new Thread(() -> write(queue, sink, destination), "proxy-" + name + "-" + label + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            threads.add(reader);
            threads.add(writer);
            reader.start();
            writer.start();
        }

        private void read(InputStream source, BlockingQueue<Chunk> queue) {
            long lastDeliverNanos = 0;
            byte[] buffer = new byte[CHUNK_BYTES];
            try {
                while (!done) {
                    int n = source.read(buffer);
                    if (n < 0) {
                        queue.put(Chunk.END);
                        return;
                    }
                    LinkFaults f = faults;
                    double draw;
                    long jitter;
                    synchronized (random) {
                        draw = random.nextDouble();
                        jitter = f.jitterMicros() == 0 ? 0 : (long) (-Math.log(1 - random.nextDouble()) * f.jitterMicros());
                    }
                    if (f.dropProbability() > 0 && draw < f.dropProbability()) {
                        close();
                        return;
                    }
                    // Delivery times never go back, so jitter delays chunks but keeps the stream in order.
                    long deliver = System.nanoTime() + (f.delayMicros() + jitter) * 1000;
                    lastDeliverNanos = Math.max(lastDeliverNanos, deliver);
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), lastDeliverNanos));
                }
            } catch (IOException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        private void write(BlockingQueue<Chunk> queue, OutputStream sink, Socket destination) {
            long nextFreeNanos = System.nanoTime();
            try {
                while (!done) {
                    Chunk chunk = queue.take();
                    if (chunk == Chunk.END) {
                        destination.shutdownOutput();
                        if (directionsEnded.incrementAndGet() == 2) {
                            close();
                        }
                        return;
                    }
                    waitUntil(chunk.deliverNanos());
                    long rate = faults.bytesPerSecond();
                    if (rate > 0) {
                        nextFreeNanos = Math.max(nextFreeNanos, System.nanoTime())
                                + chunk.bytes().length * 1_000_000_000L / rate;
                        waitUntil(nextFreeNanos);
                    }
                    if (done) {
                        return;
                    }
                    sink.write(chunk.bytes());
                    sink.flush();
                }
            } catch (IOException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        private void waitUntil(long deadlineNanos) {
            for (long left = deadlineNanos - System.nanoTime(); left > 0 && !done;
                 left = deadlineNanos - System.nanoTime()) {
                LockSupport.parkNanos(Math.min(left, 50_000_000L));
            }
        }

        void close() {
            done = true;
            closeQuietly(in);
            closeQuietly(out);
            connections.remove(this);
            threads.forEach(t -> {
                if (t != Thread.currentThread()) {
                    t.interrupt(); // a writer waiting for a chunk that will never come
                }
            });
        }
    }

    private record Chunk(byte[] bytes, long deliverNanos) {
        static final Chunk END = new Chunk(new byte[0], 0);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do: the socket is gone either way
        }
    }

    @Override
    public String toString() {
        return "LinkProxy[" + name + " :" + port() + " -> " + target + (cut ? ", cut" : "") + "]";
    }
}
