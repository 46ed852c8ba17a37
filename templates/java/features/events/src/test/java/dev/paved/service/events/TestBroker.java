package dev.paved.service.events;

import dev.paved.service.config.EventsConfig;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The RabbitMQ named by AMQP_URL, with an exchange and queues of this test's own (random names,
 * deleted at the end), declared exactly as the service declares its topology.
 */
public final class TestBroker implements AutoCloseable {

    private final EventsConfig config;
    private final CachingConnectionFactory factory;
    private final RabbitTemplate rabbit;
    private final RabbitAdmin admin;
    private final List<String> taps = new ArrayList<>();

    private TestBroker(int maxAttempts) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EVENTS_EXCHANGE", "test-events-" + suffix);
        env.put("EVENTS_QUEUE", "test-queue-" + suffix);
        env.put("EVENTS_MAX_ATTEMPTS", Integer.toString(maxAttempts));
        config = EventsConfig.fromEnvironment(env, "unused");
        factory = Broker.connectionFactory(config, "test");
        rabbit = new RabbitTemplate(factory);
        admin = new RabbitAdmin(factory);
        EventsTopology.declarables(config).getDeclarables().forEach(this::declare);
    }

    /**
     * A broker with the service's topology under fresh names.
     *
     * @param maxAttempts the queue's delivery limit (EVENTS_MAX_ATTEMPTS)
     * @return the broker
     */
    public static TestBroker create(int maxAttempts) {
        return new TestBroker(maxAttempts);
    }

    private void declare(Object declarable) {
        if (declarable instanceof TopicExchange exchange) {
            admin.declareExchange(exchange);
        } else if (declarable instanceof Queue queue) {
            admin.declareQueue(queue);
        } else if (declarable instanceof Binding binding) {
            admin.declareBinding(binding);
        }
    }

    /**
     * A queue that receives a copy of every event with this routing key, as another service's
     * queue would.
     *
     * @param routingKey the event type
     * @return the queue's name
     */
    public String tap(String routingKey) {
        String name = config.queue() + ".tap-" + taps.size();
        Queue queue = new Queue(name, true, false, false);
        admin.declareQueue(queue);
        admin.declareBinding(
                BindingBuilder.bind(queue)
                        .to(new TopicExchange(config.exchange(), true, false))
                        .with(routingKey));
        taps.add(name);
        return name;
    }

    /**
     * Waits for the next message of a queue.
     *
     * @param queue the queue
     * @param timeoutMillis how long to wait
     * @return the message, or null when none came
     */
    public Message receive(String queue, long timeoutMillis) {
        return rabbit.receive(queue, timeoutMillis);
    }

    /**
     * The settings: exchange, queue and delivery limit of this test.
     *
     * @return the settings
     */
    public EventsConfig config() {
        return config;
    }

    /**
     * The connection factory (correlated publisher confirms, as the service's).
     *
     * @return the factory
     */
    public CachingConnectionFactory factory() {
        return factory;
    }

    /**
     * A template over the factory.
     *
     * @return the template
     */
    public RabbitTemplate rabbit() {
        return rabbit;
    }

    @Override
    public void close() {
        taps.forEach(admin::deleteQueue);
        admin.deleteQueue(config.queue());
        admin.deleteQueue(config.deadLetterQueue());
        admin.deleteExchange(config.exchange());
        factory.destroy();
    }
}
