package titan.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import titan.node.Transport;
import titan.node.storage.FileLogStore;
import titan.node.storage.StorageException;
import titan.raft.Entry;
import titan.raft.Message;
import titan.raft.NodeId;

/**
 * The power-loss admin action: refused without --fault-injection, and with it cutting the store's
 * power now, inside the next sync, or right after the next acknowledgement, then "halting" (here a
 * counter instead of {@link Runtime#halt}).
 */
class PowerSwitchTest {
    private static final NodeId N1 = NodeId.parse("n1");
    private static final NodeId N2 = NodeId.parse("n2");

    @TempDir
    Path dir;
    private final AtomicInteger halts = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();
    private FileLogStore store;
    private AdminEndpoint admin;

    @AfterEach
    void close() {
        if (admin != null) {
            admin.close();
        }
        try {
            store.close();
        } catch (StorageException | NullPointerException e) {
            // a store whose power was cut refuses its buffered writes
        }
    }

    @Test
    void withoutFaultInjectionThePowerLossIsRefused() throws Exception {
        admin = endpoint(null);
        HttpResponse<String> response = post("at=now");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("--fault-injection");
        assertThat(halts).hasValue(0);
    }

    @Test
    void nowCutsThePowerAndHalts() throws Exception {
        PowerSwitch power = newSwitch();
        admin = endpoint(power);
        store.append(List.of(Entry.command(1, 1, new byte[] {1})));
        store.sync();
        HttpResponse<String> response = post("at=now&cut=torn-bytes&seed=7");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("kept 0 of 0 unsynced bytes");
        // The endpoint answers first and halts after; the answer can reach us before the halt runs.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (halts.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(halts).hasValue(1);
        store.append(List.of(Entry.command(1, 2, new byte[] {2})));
        assertThatThrownBy(store::sync).isInstanceOf(StorageException.class);
    }

    @Test
    void syncArmsALossInsideTheNextSync() throws Exception {
        PowerSwitch power = newSwitch();
        admin = endpoint(power);
        assertThat(post("at=sync&cut=lose-tail").body()).contains("armed");
        awaitArmed(power);
        assertThat(halts).hasValue(0);
        store.append(List.of(Entry.command(1, 1, new byte[] {1})));
        assertThatThrownBy(store::sync).isInstanceOf(StorageException.class).hasMessageContaining("power lost");
        assertThat(halts).hasValue(1);
    }

    /** The endpoint answers before it arms (the moment may come at once): poll, with a deadline. */
    private static void awaitArmed(PowerSwitch power) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!power.armed() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(power.armed()).as("armed within 5 s").isTrue();
    }

    @Test
    void overwriteArmsALossInsideTheFirstSyncThatReplacesEntries() throws Exception {
        PowerSwitch power = newSwitch();
        admin = endpoint(power);
        assertThat(post("at=overwrite&cut=before-entries").body()).contains("armed");
        awaitArmed(power);
        store.append(List.of(Entry.command(1, 1, new byte[] {1}), Entry.command(1, 2, new byte[] {2})));
        store.sync();
        assertThat(halts).as("no entry replaced yet").hasValue(0);
        store.append(List.of(Entry.command(2, 2, new byte[] {3})));
        assertThatThrownBy(store::sync).isInstanceOf(StorageException.class).hasMessageContaining("power lost");
        assertThat(halts).hasValue(1);
    }

    @Test
    void offDisarmsAndBadArgumentsAre400() throws Exception {
        PowerSwitch power = newSwitch();
        admin = endpoint(power);
        post("at=sync");
        assertThat(post("at=off").body()).contains("\"disarmed\":true");
        store.append(List.of(Entry.command(1, 1, new byte[] {1})));
        store.sync();
        assertThat(halts).hasValue(0);
        assertThat(post("at=later").statusCode()).isEqualTo(400);
        assertThat(post("at=now&cut=half").body()).contains("torn-records");
        assertThat(post("at=now&seed=x").statusCode()).isEqualTo(400);
        assertThat(halts).hasValue(0);
    }

    @Test
    void ackArmsALossRightAfterTheNextGrantOrSuccessfulAppendResponse() {
        // Method: requests, refusals and pre-votes pass; the first real grant is sent, then the power goes.
        PowerSwitch power = newSwitch();
        List<Message> sent = new ArrayList<>();
        Transport watched = power.watch(sent::add);
        power.arm(PowerSwitch.Moment.ACK, titan.node.storage.PowerCut.LOSE_TAIL, 1);
        watched.send(new Message.VoteRequest(N1, N2, 2, 0, 0, false, false));
        watched.send(new Message.VoteResponse(N1, N2, 2, true, true));
        watched.send(new Message.VoteResponse(N1, N2, 2, false, false));
        assertThat(halts).hasValue(0);
        watched.send(new Message.VoteResponse(N1, N2, 2, false, true));
        assertThat(halts).hasValue(1);
        assertThat(sent).hasSize(4);
        watched.send(new Message.VoteResponse(N1, N2, 3, false, true));
        assertThat(halts).as("fires once").hasValue(1);
    }

    @Test
    void voteArmsALossAfterTheNextRealGrantOnly() {
        // Method: append acknowledgements and pre-vote grants pass; the first real grant cuts the power.
        PowerSwitch power = newSwitch();
        List<Message> sent = new ArrayList<>();
        Transport watched = power.watch(sent::add);
        power.arm(PowerSwitch.Moment.VOTE, titan.node.storage.PowerCut.LOSE_TAIL, 1);
        watched.send(new Message.AppendResponse(N1, N2, 2, true, 5, 0, 0, 0));
        watched.send(new Message.VoteResponse(N1, N2, 3, true, true));
        assertThat(halts).hasValue(0);
        watched.send(new Message.VoteResponse(N1, N2, 3, false, true));
        assertThat(halts).hasValue(1);
        assertThat(sent).hasSize(3);
    }

    private PowerSwitch newSwitch() {
        store = new FileLogStore(dir.resolve("raft"));
        store.recover();
        return new PowerSwitch(store, halts::incrementAndGet, 0);
    }

    private AdminEndpoint endpoint(PowerSwitch power) throws Exception {
        AdminEndpoint endpoint = new AdminEndpoint("127.0.0.1", 0, null);
        endpoint.addPowerLoss(power);
        return endpoint;
    }

    private HttpResponse<String> post(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/admin/power-loss?"
                + query)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
