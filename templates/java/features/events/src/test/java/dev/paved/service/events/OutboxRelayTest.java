package dev.paved.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.service.config.EventsConfig;
import dev.paved.service.items.Item;
import dev.paved.service.items.NewItem;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import tools.jackson.databind.JsonNode;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

/** The relay against the real PostgreSQL (DATABASE_URL) and RabbitMQ (AMQP_URL). */
class OutboxRelayTest {

    private static final String TRACEPARENT =
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final EventsFixture fx = EventsFixture.create(5);

    @AfterEach
    void close() {
        fx.close();
    }

    private Item createWithTrace(String name) {
        return fx.tx.execute(
                status -> {
                    Item item = fx.items.create(new NewItem(name, null));
                    // A second event in the same transaction, with a trace context.
                    JsonNode data = fx.json.createObjectNode().put("id", item.id());
                    fx.outbox.append(
                            fx.events.create("test.traced.v1", item.id(), data),
                            Map.of(TraceHeaders.TRACEPARENT, TRACEPARENT));
                    return item;
                });
    }

    @Test
    void publishesPendingRowsWithConfirmsAndMarksThem() {
        String created = fx.broker.tap(EventTypes.ITEM_CREATED);
        String traced = fx.broker.tap("test.traced.v1");
        Item item = createWithTrace("lamp");

        OutboxRelay.Pass pass = fx.relay.relayOnce();

        assertThat(pass).isEqualTo(new OutboxRelay.Pass(2, 0));
        Message message = fx.broker.receive(created, 5_000);
        assertThat(message).isNotNull();
        MessageProperties props = message.getMessageProperties();
        JsonNode event = fx.json.readTree(new String(message.getBody(), StandardCharsets.UTF_8));
        assertThat(event.get("specversion").asString()).isEqualTo("1.0");
        assertThat(event.get("type").asString()).isEqualTo(EventTypes.ITEM_CREATED);
        assertThat(event.get("source").asString()).isEqualTo(EventsFixture.SOURCE);
        assertThat(event.get("subject").asString()).isEqualTo(item.id());
        assertThat(OffsetDateTime.parse(event.get("time").asString())).isNotNull();
        assertThat(event.get("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(event.get("data").get("id").asString()).isEqualTo(item.id());
        assertThat(event.get("data").get("name").asString()).isEqualTo("lamp");
        assertThat(event.get("data").get("description").isNull()).isTrue();
        assertThat(event.get("data").get("createdAt").asString())
                .isEqualTo(item.createdAt().toString());
        assertThat(props.getMessageId()).isEqualTo(event.get("id").asString());
        assertThat(props.getContentType()).isEqualTo("application/cloudevents+json");
        assertThat(props.getType()).isEqualTo(EventTypes.ITEM_CREATED);
        assertThat(props.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(props.getReceivedRoutingKey()).isEqualTo(EventTypes.ITEM_CREATED);

        Message withTrace = fx.broker.receive(traced, 5_000);
        assertThat(withTrace).isNotNull();
        assertThat((String) withTrace.getMessageProperties().getHeader("traceparent"))
                .isEqualTo(TRACEPARENT);

        Integer unpublished =
                fx.jdbc.sql("SELECT count(*) FROM outbox WHERE published_at IS NULL")
                        .query(Integer.class)
                        .single();
        assertThat(unpublished).isZero();
        assertThat(fx.count("outbox.published")).isEqualTo(2);
        assertThat(fx.registry.get("outbox.pending.events").gauge().value()).isZero();
        assertThat(fx.relay.relayOnce()).as("nothing left").isEqualTo(new OutboxRelay.Pass(0, 0));
        assertThat(fx.broker.receive(created, 300)).isNull();
    }

    @Test
    void twoRelaysPublishEachOfManyRowsExactlyOnce() throws Exception {
        String created = fx.broker.tap(EventTypes.ITEM_CREATED);
        int rows = 300;
        for (int i = 0; i < rows; i++) {
            fx.items.create(new NewItem("item " + i, null));
        }
        // Two replicas: each its own connection, the same outbox.
        CachingConnectionFactory otherFactory = Broker.connectionFactory(fx.broker.config(), "r2");
        try {
            OutboxRelay first = fx.relay;
            OutboxRelay second = fx.relay(new RabbitTemplate(otherFactory));
            CyclicBarrier together = new CyclicBarrier(2);
            List<CompletableFuture<Integer>> relays =
                    List.of(drain(first, together), drain(second, together));
            int published = 0;
            for (CompletableFuture<Integer> relay : relays) {
                published += relay.get();
            }
            assertThat(published).isEqualTo(rows);
        } finally {
            otherFactory.destroy();
        }
        Set<String> ids = new HashSet<>();
        Message message;
        while ((message = fx.broker.receive(created, 1_000)) != null) {
            assertThat(ids.add(message.getMessageProperties().getMessageId()))
                    .as("published once: %s", message.getMessageProperties().getMessageId())
                    .isTrue();
        }
        assertThat(ids).hasSize(rows);
    }

    private static CompletableFuture<Integer> drain(OutboxRelay relay, CyclicBarrier together) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        together.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    int published = 0;
                    OutboxRelay.Pass pass;
                    do {
                        pass = relay.relayOnce();
                        published += pass.published();
                    } while (pass.published() + pass.failed() > 0);
                    return published;
                });
    }

    @Test
    void aFailedPublishIsRetriedLaterWithBackoff() throws Exception {
        String created = fx.broker.tap(EventTypes.ITEM_CREATED);
        fx.items.create(new NewItem("unlucky", null));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("AMQP_URL", "amqp://127.0.0.1:" + closedPort);
        CachingConnectionFactory nowhere =
                Broker.connectionFactory(EventsConfig.fromEnvironment(env, "x"), "nowhere");
        try {
            OutboxRelay broken = fx.relay(new RabbitTemplate(nowhere));

            assertThat(broken.relayOnce()).isEqualTo(new OutboxRelay.Pass(0, 1));
            Duration firstDelay = pendingRow(1);
            assertThat(firstDelay).isBetween(Duration.ofMillis(300), Duration.ofMillis(600));
            assertThat(broken.relayOnce()).as("not due yet").isEqualTo(new OutboxRelay.Pass(0, 0));

            fx.jdbc.sql("UPDATE outbox SET next_attempt_at = now()").update();
            assertThat(broken.relayOnce()).isEqualTo(new OutboxRelay.Pass(0, 1));
            Duration secondDelay = pendingRow(2);
            assertThat(secondDelay)
                    .as("doubled")
                    .isBetween(Duration.ofMillis(800), Duration.ofMillis(1100));
            assertThat(fx.count("outbox.publish.failures")).isEqualTo(2);
            assertThat(fx.registry.get("outbox.pending.events").gauge().value()).isEqualTo(1);
        } finally {
            nowhere.destroy();
        }
        // The broker is back (the working relay): the row goes out once it is due.
        fx.jdbc.sql("UPDATE outbox SET next_attempt_at = now()").update();
        assertThat(fx.relay.relayOnce()).isEqualTo(new OutboxRelay.Pass(1, 0));
        assertThat(fx.broker.receive(created, 5_000)).isNotNull();
    }

    /** The only row's attempts, error and how far out its next attempt is. */
    private Duration pendingRow(int attempts) {
        Map<String, Object> row =
                fx.jdbc.sql(
                                "SELECT attempts, last_error, published_at,"
                                        + " (extract(epoch FROM next_attempt_at - now()) * 1000)"
                                        + "::bigint AS delay_ms FROM outbox")
                        .query()
                        .singleRow();
        assertThat(row.get("attempts")).isEqualTo(attempts);
        assertThat((String) row.get("last_error")).isNotBlank();
        assertThat(row.get("published_at")).isNull();
        return Duration.ofMillis((Long) row.get("delay_ms"));
    }
}
