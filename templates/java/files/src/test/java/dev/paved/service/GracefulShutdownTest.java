package dev.paved.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import java.time.Duration;

class GracefulShutdownTest {

    private static final ContextClosedEvent CLOSED =
            new ContextClosedEvent(new GenericApplicationContext());

    @Test
    void exitsZeroWhenRequestsFinishedInTime() {
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(30));
        assertThat(shutdown.exitStatus()).isZero();
        shutdown.onApplicationEvent(CLOSED);
        assertThat(shutdown.exitStatus()).isZero();
    }

    @Test
    void exitsOneWhenClosingTookTheWholeTimeout() throws InterruptedException {
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofMillis(20));
        shutdown.onApplicationEvent(CLOSED);
        Thread.sleep(40);
        assertThat(shutdown.exitStatus()).isEqualTo(1);
    }
}
