package dev.paved.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The broker check follows the connection the service holds to RabbitMQ (AMQP_URL). */
class BrokerHealthIndicatorTest {

    @Test
    void upWhileAConnectionIsOpenDownWhenItIsGone() {
        try (TestBroker broker = TestBroker.create(5)) {
            // The factory's connection is open already (the topology was declared through it).
            BrokerHealthIndicator check = new BrokerHealthIndicator(broker.factory());
            assertThat(check.health().getStatus()).isEqualTo(Status.UP);
            // What a broker going away does to the connection.
            broker.factory().resetConnection();
            assertThat(check.health().getStatus()).isEqualTo(Status.DOWN);
            // Spring reconnects on the next use.
            broker.factory().createConnection();
            assertThat(check.health().getStatus()).isEqualTo(Status.UP);
        }
    }
}
