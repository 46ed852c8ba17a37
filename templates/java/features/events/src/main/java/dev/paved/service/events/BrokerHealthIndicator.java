package dev.paved.service.events;

import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The readiness check "broker": up while the service holds an open connection to RabbitMQ. It
 * reads the connection the relay and the consumer share instead of opening one per probe, so a
 * probe costs nothing and says what the service really has.
 */
public final class BrokerHealthIndicator implements HealthIndicator, ConnectionListener {

    private final AtomicReference<Connection> connection = new AtomicReference<>();

    /**
     * Creates the check and follows the factory's connections.
     *
     * @param factory the connection factory the relay and the consumer use
     */
    public BrokerHealthIndicator(AbstractConnectionFactory factory) {
        factory.addConnectionListener(this);
    }

    @Override
    public void onCreate(Connection created) {
        connection.set(created);
    }

    @Override
    public void onClose(Connection closed) {
        connection.compareAndSet(closed, null);
    }

    @Override
    public Health health() {
        Connection current = connection.get();
        return current != null && current.isOpen()
                ? Health.up().build()
                : Health.down().withDetail("connection", "none open").build();
    }
}
