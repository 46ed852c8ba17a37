package dev.paved.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.service.items.Item;
import dev.paved.service.items.NewItem;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The idempotent consumer and the saga, against the real PostgreSQL (DATABASE_URL) and RabbitMQ
 * (AMQP_URL).
 */
class EventConsumerTest {

    private static final int MAX_ATTEMPTS = 3;

    private static final String TRACEPARENT =
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final EventsFixture fx = EventsFixture.create(MAX_ATTEMPTS);

    @AfterEach
    void close() {
        fx.close();
    }

    private ObjectNode rejection(Item item, String reason) {
        ObjectNode data = fx.json.createObjectNode().put("itemId", item.id()).put("reason", reason);
        return fx.events.create(EventTypes.ITEM_REJECTED, item.id(), data);
    }

    /** Publishes as a downstream service would: structured mode, with a trace context. */
    private void publish(ObjectNode event) {
        publish(fx.json.writeValueAsBytes(event), event.get("id").asString());
    }

    private void publish(byte[] body, String id) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(id);
        props.setContentType(CloudEvents.CONTENT_TYPE);
        props.setType(EventTypes.ITEM_REJECTED);
        props.setHeader(TraceHeaders.TRACEPARENT, TRACEPARENT);
        fx.broker
                .rabbit()
                .send(
                        fx.broker.config().exchange(),
                        EventTypes.ITEM_REJECTED,
                        new Message(body, props));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private String status(Item item) {
        return fx.items.find(item.id()).orElseThrow().status();
    }

    @Test
    void theSagaWithdrawsARejectedItemOnceAndPublishesOneWithdrawal() throws Exception {
        String withdrawals = fx.broker.tap(EventTypes.ITEM_WITHDRAWN);
        Item item = fx.items.create(new NewItem("lamp", null));
        assertThat(item.status()).isEqualTo("active");
        fx.startConsumer();

        ObjectNode rejected = rejection(item, "out of stock");
        publish(rejected);
        await("the withdrawal", () -> "withdrawn".equals(status(item)));
        assertThat(fx.outboxRows(EventTypes.ITEM_WITHDRAWN)).isEqualTo(1);

        // The same rejection again (same event id): acknowledged, nothing changes.
        publish(rejected);
        await("the duplicate", () -> fx.count("consumer.processed") == 2);
        assertThat(fx.count("consumer.duplicates")).isEqualTo(1);
        assertThat(fx.outboxRows(EventTypes.ITEM_WITHDRAWN)).isEqualTo(1);

        // A new rejection of the withdrawn item, and one of an unknown item: no effect either.
        publish(rejection(item, "again"));
        Item unknown = new Item(UUID.randomUUID().toString(), "x", null, null, null);
        publish(rejection(unknown, "who?"));
        await("both", () -> fx.count("consumer.processed") == 4);
        assertThat(fx.count("consumer.duplicates")).isEqualTo(1);
        assertThat(fx.outboxRows(EventTypes.ITEM_WITHDRAWN)).isEqualTo(1);

        // The relay sends the one withdrawal, carrying the rejection's trace.
        fx.relay.relayOnce();
        Message withdrawal = fx.broker.receive(withdrawals, 5_000);
        assertThat(withdrawal).isNotNull();
        JsonNode event = fx.json.readTree(withdrawal.getBody());
        assertThat(event.get("type").asString()).isEqualTo(EventTypes.ITEM_WITHDRAWN);
        assertThat(event.get("subject").asString()).isEqualTo(item.id());
        assertThat(event.get("data").get("id").asString()).isEqualTo(item.id());
        assertThat(event.get("data").get("reason").asString()).isEqualTo("out of stock");
        assertThat((String) withdrawal.getMessageProperties().getHeader("traceparent"))
                .isEqualTo(TRACEPARENT);
        assertThat(fx.broker.receive(withdrawals, 500)).as("exactly one").isNull();
    }

    @Test
    void aMessagePublishedTwiceByADyingRelayChangesStateOnce() throws Exception {
        Item item = fx.items.create(new NewItem("twice", null));
        // The rejection goes through the outbox and the relay, as this service's own events do.
        fx.tx.executeWithoutResult(
                status -> fx.outbox.append(rejection(item, "duplicate test"), Map.of()));
        assertThat(fx.relay.relayOnce().published()).as("item.created.v1 too").isEqualTo(2);
        // The relay "died" after the broker's confirm and before its commit: the row is pending
        // again, and the next pass publishes it a second time.
        fx.jdbc.sql("UPDATE outbox SET published_at = NULL WHERE type = ?")
                .param(EventTypes.ITEM_REJECTED)
                .update();
        assertThat(fx.relay.relayOnce().published()).isEqualTo(1);

        fx.startConsumer();
        await("both deliveries", () -> fx.count("consumer.processed") == 2);
        assertThat(fx.count("consumer.duplicates")).isEqualTo(1);
        assertThat(status(item)).isEqualTo("withdrawn");
        assertThat(fx.outboxRows(EventTypes.ITEM_WITHDRAWN)).isEqualTo(1);
    }

    @Test
    void aPoisonMessageIsTriedMaxAttemptsTimesThenDeadLettered() throws Exception {
        fx.startConsumer();
        publish("this is not JSON".getBytes(StandardCharsets.UTF_8), "poison-1");

        await("dead-lettering", () -> fx.count("consumer.dead.lettered") == 1);
        Message dead = fx.broker.receive(fx.broker.config().deadLetterQueue(), 5_000);
        assertThat(dead).isNotNull();
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8))
                .isEqualTo("this is not JSON");
        assertThat(fx.count("consumer.redeliveries")).isEqualTo(MAX_ATTEMPTS - 1);
        assertThat(fx.count("consumer.processed")).isZero();
        // Nothing was remembered as processed.
        assertThat(
                        fx.jdbc.sql("SELECT count(*) FROM processed_events")
                                .query(Integer.class)
                                .single())
                .isZero();
    }

    @Test
    void anInvalidEventIsDeadLetteredToo() throws Exception {
        fx.startConsumer();
        ObjectNode broken = rejection(new Item("not-a-uuid", "x", null, null, null), "r");
        ((ObjectNode) broken.get("data")).remove("reason");
        publish(broken);
        await("dead-lettering", () -> fx.count("consumer.dead.lettered") == 1);
        assertThat(fx.broker.receive(fx.broker.config().deadLetterQueue(), 5_000)).isNotNull();
    }
}
