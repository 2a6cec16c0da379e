package titan.lab.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the node's process with the node's command line (only the flags the runtime
 * passes): it listens on its ports, prints the ready line, and exits when its stdin closes. Lets
 * the runtime's process handling be tested without a Raft cluster.
 */
public final class FakeNode {
    private FakeNode() {}

    public static void main(String[] args) throws IOException {
        String id = null;
        int http = 0;
        int tcp = 0;
        int peer = 0;
        boolean exitOnEof = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--id" -> id = args[++i];
                case "--http-port" -> http = Integer.parseInt(args[++i]);
                case "--tcp-port" -> tcp = Integer.parseInt(args[++i]);
                case "--listen-peer" -> peer = Integer.parseInt(args[++i].substring(args[i].indexOf(':') + 1));
                case "--exit-on-stdin-eof" -> exitOnEof = true;
                default -> { }
            }
        }
        List<ServerSocket> sockets = new ArrayList<>();
        for (int port : new int[] {http, tcp, peer}) {
            sockets.add(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
        }
        System.out.println("titan-node " + id + " ready http=127.0.0.1:" + http + " tcp=127.0.0.1:" + tcp
                + " peer=127.0.0.1:" + peer + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        if (exitOnEof) {
            while (System.in.read() >= 0) {
                // the lab never writes; EOF means it is gone
            }
            System.exit(0);
        }
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
