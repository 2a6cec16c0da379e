package titan.lab.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link proxy over loopback sockets: an echo server behind it, a client in front. Real sockets,
 * so waits poll with deadlines; no fixed sleeps.
 */
class LinkProxyTest {
    private ServerSocket echo;
    private LinkProxy proxy;

    @BeforeEach
    void setUp() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread h = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the test closed it
                        }
                    });
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = new LinkProxy("n1->n2", new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()), 1);
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    @Test
    void relaysBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            assertThat(roundTrip(s, "x".repeat(200_000))).hasSize(200_000);
        }
    }

    @Test
    void cutClosesOpenConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
        Socket open = connect();
        assertThat(roundTrip(open, "before")).isEqualTo("before");
        proxy.cut();
        // The open connection ends: the next read sees end of stream or a reset, never data.
        assertThat(readEndsOrResets(open)).isTrue();
        try (Socket refused = connect()) {
            assertThat(readEndsOrResets(refused)).isTrue();
        }
        proxy.heal();
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "after")).isEqualTo("after");
        }
        awaitTrue(() -> proxy.openConnections() <= 1, "cut connections are forgotten");
    }

    @Test
    void delayHoldsEveryChunkAtLeastTheDelay() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "warm")).isEqualTo("warm");
            proxy.setFaults(new LinkFaults(150_000, 0, 0, 0));
            long start = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            // One proxy on the path, both directions delayed: at least twice the delay.
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
            proxy.setFaults(LinkFaults.HEALTHY);
            assertThat(roundTrip(s, "healed")).isEqualTo("healed");
        }
    }

    @Test
    void throttleLimitsTheByteRate() throws IOException {
        try (Socket s = connect()) {
            proxy.setFaults(new LinkFaults(0, 0, 0, 100_000));
            long start = System.nanoTime();
            assertThat(roundTrip(s, "y".repeat(50_000))).hasSize(50_000);
            // 50 KB each way at 100 KB/s: at least half a second.
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(500);
        }
    }

    @Test
    void certainDropClosesTheConnectionOnItsNextChunk() throws IOException {
        try (Socket s = connect()) {
            proxy.setFaults(new LinkFaults(0, 0, 1.0, 0));
            s.getOutputStream().write(1);
            assertThat(readEndsOrResets(s)).isTrue();
        }
    }

    private static boolean readEndsOrResets(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what).isTrue();
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }
}
