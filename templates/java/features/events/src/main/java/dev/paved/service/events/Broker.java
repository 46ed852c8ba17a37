package dev.paved.service.events;

import dev.paved.service.config.EventsConfig;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import java.security.NoSuchAlgorithmException;

import javax.net.ssl.SSLContext;

/** Connections to RabbitMQ, built from EventsConfig. */
public final class Broker {

    private Broker() {}

    /**
     * A caching connection factory (one shared connection, cached channels) with correlated
     * publisher confirms. Spring reconnects it when the broker comes back; the client's own
     * automatic recovery is off so the two do not fight.
     *
     * @param config the broker settings
     * @param name the connection's name, shown in the broker's management UI
     * @return the factory
     */
    public static CachingConnectionFactory connectionFactory(EventsConfig config, String name) {
        com.rabbitmq.client.ConnectionFactory rabbit = new com.rabbitmq.client.ConnectionFactory();
        rabbit.setHost(config.host());
        rabbit.setPort(config.port());
        rabbit.setVirtualHost(config.virtualHost());
        if (config.user() != null) {
            rabbit.setUsername(config.user());
        }
        if (config.password() != null) {
            rabbit.setPassword(config.password());
        }
        if (config.tls()) {
            try {
                // The JVM's trust store and host name verification; never trust-all.
                rabbit.useSslProtocol(SSLContext.getDefault());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no TLS in this JVM", e);
            }
            rabbit.enableHostnameVerification();
        }
        rabbit.setConnectionTimeout(5_000);
        rabbit.setAutomaticRecoveryEnabled(false);
        CachingConnectionFactory factory = new CachingConnectionFactory(rabbit);
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setConnectionNameStrategy(f -> name);
        return factory;
    }
}
