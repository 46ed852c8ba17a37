package dev.paved.service.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.service.events.EventTypes;
import dev.paved.service.events.EventsFixture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.UUID;

/**
 * The items repository against the real PostgreSQL (DATABASE_URL), in a schema of its own, with
 * the outbox the events feature adds.
 */
class ItemStoreTest {

    private final EventsFixture fx = EventsFixture.create(5);
    private final ItemStore store = fx.items;

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void storesAnItemWithItsCreatedEvent() {
        Item created = store.create(new NewItem("lamp", "a desk lamp"));
        assertThat(UUID.fromString(created.id())).isNotNull();
        assertThat(created.status()).isEqualTo("active");
        assertThat(store.find(created.id())).hasValue(created);

        JsonNode event =
                fx.json.readTree(
                        fx.jdbc.sql("SELECT event::text FROM outbox WHERE type = ?")
                                .param(EventTypes.ITEM_CREATED)
                                .query(String.class)
                                .single());
        assertThat(event.get("subject").asString()).isEqualTo(created.id());
        assertThat(event.get("data").get("name").asString()).isEqualTo("lamp");
        assertThat(event.get("data").get("description").asString()).isEqualTo("a desk lamp");
    }

    @Test
    void aTransactionThatFailsAfterTheOutboxInsertLeavesNothing() {
        String tap = fx.broker.tap(EventTypes.ITEM_CREATED);
        assertThatThrownBy(
                        () ->
                                fx.tx.executeWithoutResult(
                                        status -> {
                                            store.create(new NewItem("doomed", null));
                                            assertThat(fx.outboxRows(EventTypes.ITEM_CREATED))
                                                    .as("the row was written")
                                                    .isEqualTo(1);
                                            throw new IllegalStateException("fails after it");
                                        }))
                .hasMessage("fails after it");

        assertThat(fx.jdbc.sql("SELECT count(*) FROM items").query(Integer.class).single())
                .isZero();
        assertThat(fx.outboxRows(EventTypes.ITEM_CREATED)).isZero();
        assertThat(fx.relay.relayOnce().published()).isZero();
        assertThat(fx.broker.receive(tap, 500)).as("nothing published").isNull();
    }

    @Test
    void refusesAnOutboxRowOutsideATransaction() {
        assertThatThrownBy(
                        () ->
                                fx.outbox.append(
                                        fx.events.create(
                                                EventTypes.ITEM_CREATED,
                                                "x",
                                                fx.json.createObjectNode()),
                                        Map.of()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void findsNothingForAnUnknownOrMalformedId() {
        assertThat(store.find(UUID.randomUUID().toString())).isEmpty();
        assertThat(store.find("not-a-uuid")).isEmpty();
        assertThat(store.find("1-2-3-4-5")).isEmpty();
        assertThat(store.find("")).isEmpty();
    }
}
