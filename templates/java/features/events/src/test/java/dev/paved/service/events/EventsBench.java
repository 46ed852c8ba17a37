package dev.paved.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.service.items.ItemStore;
import dev.paved.service.items.NewItem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of the outbox, measured: N item creations through the service's own code path with
 * 16 in flight, each timed from the start of the create call until a consumer on a bench-only
 * queue bound to item.created.v1 receives its event, two ways. "outbox": the state change and
 * the outbox row in one transaction, the real relay, the broker. "direct": the same create call
 * publishing the CloudEvent straight to the broker with a publisher confirm from the handler (no
 * outbox row; what the outbox replaces, since it can publish an event whose change rolls back).
 *
 * <p>Not part of the normal test run (the name does not end in Test), and skipped unless
 * EVENTS_BENCH holds the number of events. Against DATABASE_URL and AMQP_URL:
 *
 * <pre>
 * EVENTS_BENCH=2000 mvn -B -q test -Dcheckstyle.skip -Dtest=EventsBench \
 *     -Dmaven.test.redirectTestOutputToFile=false
 * </pre>
 *
 * <p>It prints one line per path: EVENTS_BENCH {"path":…,"events":N,"seconds":S,"perSecond":R,
 * "p99Ms":P}.
 */
@EnabledIfEnvironmentVariable(named = "EVENTS_BENCH", matches = "[1-9][0-9]{0,6}")
class EventsBench {

    private static final int IN_FLIGHT = 16;
    private static final int WARM_UP = 200;

    /** The bench queue's consumer: completes the future of each item name it sees. */
    private final Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();

    @Test
    void outboxAgainstDirectPublishing() throws Exception {
        int events = Integer.parseInt(System.getenv("EVENTS_BENCH"));
        // A connection per writer, and one for the relay.
        try (EventsFixture fx = EventsFixture.create(5, IN_FLIGHT + 2)) {
            SimpleMessageListenerContainer consumer = consumer(fx);
            consumer.start();
            try {
                OutboxRelay relay = fx.relay(fx.broker.rabbit());
                Outbox outbox = new Outbox(fx.jdbc, fx.json, relay::wakeUp);
                ItemStore viaOutbox = store(fx, outbox);
                ItemStore direct = store(fx, new DirectPublisher(fx));
                relay.start();
                String outboxLine;
                try {
                    run("outbox-warm-up", WARM_UP, viaOutbox);
                    outboxLine = run("outbox", events, viaOutbox);
                } finally {
                    relay.stop();
                }
                run("direct-warm-up", WARM_UP, direct);
                String directLine = run("direct", events, direct);
                System.out.println(outboxLine);
                System.out.println(directLine);
            } finally {
                consumer.stop();
            }
        }
    }

    private static ItemStore store(EventsFixture fx, EventSink sink) {
        return new ItemStore(fx.jdbc, fx.tx, sink, fx.events, new TraceHeaders(null, null));
    }

    private SimpleMessageListenerContainer consumer(EventsFixture fx) {
        String queue = fx.broker.tap(EventTypes.ITEM_CREATED);
        JsonMapper json = fx.json;
        SimpleMessageListenerContainer container =
                new SimpleMessageListenerContainer(fx.broker.factory());
        container.setQueueNames(queue);
        container.setAcknowledgeMode(AcknowledgeMode.AUTO);
        container.setPrefetchCount(50);
        container.setMessageListener(
                (Message message) -> {
                    long at = System.nanoTime();
                    String name =
                            json.readTree(message.getBody()).get("data").get("name").asString();
                    arrivals.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(at);
                });
        return container;
    }

    /** Creates the items with IN_FLIGHT writers, each waiting for its event before the next. */
    private String run(String path, int events, ItemStore store) throws Exception {
        long[] latencies = new long[events];
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        long started = System.nanoTime();
        for (int w = 0; w < IN_FLIGHT; w++) {
            writers.add(
                    CompletableFuture.runAsync(
                            () -> {
                                for (int i = next.getAndIncrement();
                                        i < events;
                                        i = next.getAndIncrement()) {
                                    String name = path + "-" + i;
                                    CompletableFuture<Long> arrival =
                                            arrivals.computeIfAbsent(
                                                    name, n -> new CompletableFuture<>());
                                    long start = System.nanoTime();
                                    store.create(new NewItem(name, null));
                                    try {
                                        latencies[i] = arrival.get(30, TimeUnit.SECONDS) - start;
                                    } catch (Exception e) {
                                        throw new IllegalStateException(name + " never arrived", e);
                                    }
                                    arrivals.remove(name);
                                }
                            },
                            pool));
        }
        try {
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(latencies);
        assertThat(latencies[0]).isPositive();
        double p99Ms = latencies[(int) Math.ceil(events * 0.99) - 1] / 1e6;
        return String.format(
                Locale.ROOT,
                "EVENTS_BENCH {\"path\":\"%s\",\"events\":%d,\"seconds\":%.3f,"
                        + "\"perSecond\":%.1f,\"p99Ms\":%.2f}",
                path,
                events,
                seconds,
                events / seconds,
                p99Ms);
    }

    /** Publishes each event at once with a publisher confirm, from inside the create call. */
    private static final class DirectPublisher implements EventSink {
        private final RabbitTemplate rabbit;
        private final String exchange;
        private final JsonMapper json;

        DirectPublisher(EventsFixture fx) {
            rabbit = fx.broker.rabbit();
            exchange = fx.broker.config().exchange();
            json = fx.json;
        }

        @Override
        public void append(ObjectNode event, Map<String, String> headers) {
            MessageProperties props = new MessageProperties();
            props.setMessageId(event.get("id").asString());
            props.setContentType(CloudEvents.CONTENT_TYPE);
            props.setType(event.get("type").asString());
            props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
            headers.forEach(props::setHeader);
            CorrelationData confirm = new CorrelationData(props.getMessageId());
            rabbit.send(
                    exchange,
                    props.getType(),
                    new Message(json.writeValueAsBytes(event), props),
                    confirm);
            CorrelationData.Confirm result;
            try {
                result = confirm.getFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("no confirm", e);
            }
            if (!result.ack()) {
                throw new IllegalStateException("not confirmed: " + result.reason());
            }
        }
    }
}
