package dev.paved.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.service.items.Item;
import dev.paved.service.items.NewItem;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schemas in events/ describe the data this service really publishes: every property
 * the code writes is declared, and every required one is written.
 */
class EventSchemasTest {

    private final EventsFixture fx = EventsFixture.create(5);

    @AfterEach
    void close() {
        fx.close();
    }

    private JsonNode schema(String type) throws Exception {
        return fx.json.readTree(Files.readString(Path.of("events", type + ".schema.json")));
    }

    private JsonNode data(String type) {
        String event =
                fx.jdbc.sql("SELECT event::text FROM outbox WHERE type = ?")
                        .param(type)
                        .query(String.class)
                        .single();
        return fx.json.readTree(event).get("data");
    }

    private void assertFits(JsonNode data, JsonNode schema) {
        List<String> declared = new ArrayList<>(schema.get("properties").propertyNames());
        List<String> written = new ArrayList<>(data.propertyNames());
        assertThat(declared).containsExactlyInAnyOrderElementsOf(written);
        schema.get("required").forEach(name -> assertThat(written).contains(name.asString()));
        assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
    }

    @Test
    void theCreatedAndWithdrawnEventsFitTheirSchemas() throws Exception {
        Item item = fx.items.create(new NewItem("lamp", null));
        fx.tx.executeWithoutResult(status -> fx.items.withdraw(item.id(), "no stock", Map.of()));
        assertFits(data(EventTypes.ITEM_CREATED), schema(EventTypes.ITEM_CREATED));
        assertFits(data(EventTypes.ITEM_WITHDRAWN), schema(EventTypes.ITEM_WITHDRAWN));
    }

    @Test
    void theRejectedSchemaNamesWhatTheConsumerReads() throws Exception {
        JsonNode schema = schema(EventTypes.ITEM_REJECTED);
        assertThat(schema.get("required").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("itemId", "reason");
    }
}
