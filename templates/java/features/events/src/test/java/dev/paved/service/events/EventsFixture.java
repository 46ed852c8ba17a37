package dev.paved.service.events;

import dev.paved.service.data.TestDatabase;
import dev.paved.service.items.ItemStore;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * The service's real outbox, relay, consumer and repository, wired as EventsConfiguration wires
 * them, over a schema of their own (TestDatabase) and broker names of their own (TestBroker), so
 * tests neither see nor disturb each other or the application context of the HTTP tests.
 */
public final class EventsFixture implements AutoCloseable {

    /** The CloudEvents source the tests' events carry. */
    public static final String SOURCE = "/test/service";

    public final TestDatabase db;
    public final TestBroker broker;
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final EventMetrics metrics = new EventMetrics(registry);
    public final JsonMapper json = JsonMapper.builder().build();
    public final CloudEvents events = new CloudEvents(json, SOURCE);
    public final JdbcClient jdbc;
    public final TransactionTemplate tx;
    public final OutboxRelay relay;
    public final Outbox outbox;
    public final ItemStore items;
    private final List<SimpleMessageListenerContainer> containers = new ArrayList<>();

    private EventsFixture(int maxAttempts, Integer poolMax) {
        db = TestDatabase.migrated(poolMax);
        broker = TestBroker.create(maxAttempts);
        jdbc = db.jdbc();
        tx = new TransactionTemplate(new JdbcTransactionManager(db.dataSource()));
        relay = relay(broker.rabbit());
        outbox = new Outbox(jdbc, json, () -> { });
        items = new ItemStore(jdbc, tx, outbox, events, new TraceHeaders(null, null));
    }

    /**
     * A fixture whose queue dead-letters after the given number of deliveries.
     *
     * @param maxAttempts EVENTS_MAX_ATTEMPTS
     * @return the fixture
     */
    public static EventsFixture create(int maxAttempts) {
        return new EventsFixture(maxAttempts, null);
    }

    /**
     * A fixture with a pool of a given size (the benchmark's writers each need a connection).
     *
     * @param maxAttempts EVENTS_MAX_ATTEMPTS
     * @param poolMax the pool's size
     * @return the fixture
     */
    public static EventsFixture create(int maxAttempts, int poolMax) {
        return new EventsFixture(maxAttempts, poolMax);
    }

    /**
     * Another relay over the same outbox (as in another replica), publishing through a template.
     *
     * @param rabbit the template to publish with
     * @return a relay, not started: call relayOnce
     */
    public OutboxRelay relay(RabbitTemplate rabbit) {
        return new OutboxRelay(tx, jdbc, rabbit, broker.config().exchange(), metrics, json);
    }

    /**
     * Starts the service's consumer on the fixture's queue.
     *
     * @return the running container (stopped by close)
     */
    public SimpleMessageListenerContainer startConsumer() {
        EventConsumer consumer =
                new EventConsumer(tx, jdbc, items, metrics, json, broker.config().maxAttempts());
        SimpleMessageListenerContainer container =
                EventsConfiguration.listenerContainer(
                        broker.factory(), consumer, broker.config().queue());
        container.start();
        containers.add(container);
        return container;
    }

    /**
     * A counter's value.
     *
     * @param name the Micrometer name, e.g. consumer.duplicates
     * @return its count
     */
    public double count(String name) {
        return registry.get(name).counter().count();
    }

    /**
     * Rows in the outbox of a type.
     *
     * @param type the event type
     * @return how many
     */
    public int outboxRows(String type) {
        return jdbc.sql("SELECT count(*) FROM outbox WHERE type = ?")
                .param(type)
                .query(Integer.class)
                .single();
    }

    @Override
    public void close() {
        containers.forEach(SimpleMessageListenerContainer::stop);
        broker.close();
        db.close();
    }
}
