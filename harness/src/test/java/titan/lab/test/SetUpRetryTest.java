package titan.lab.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;

import org.junit.jupiter.api.Test;
import titan.lab.runtime.RuntimeFailure;

/** Which set-up failures make the lab start the cluster again on other ports. */
class SetUpRetryTest {
    @Test
    void aNodeThatCouldNotBindItsPortIsAClash() {
        RuntimeFailure failure = new RuntimeFailure("n1 exited with code 254 before it was ready: titan-node: cannot bind "
                + "a port: cannot listen for peers on 127.0.0.1:31670: Address already in use", null);
        assertThat(TestRunner.isPortClash(failure)).isTrue();
        assertThat(TestRunner.isPortClash(new IllegalStateException("set up", new BindException("Address already in use"))))
                .isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(TestRunner.isPortClash(new RuntimeFailure("n2 exited with code 1 before it was ready: corrupt WAL", null)))
                .isFalse();
        assertThat(TestRunner.isPortClash(new IllegalStateException("no leader within 30 s of starting",
                new IOException("connection refused")))).isFalse();
    }
}
