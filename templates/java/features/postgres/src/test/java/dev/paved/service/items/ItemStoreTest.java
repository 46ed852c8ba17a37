package dev.paved.service.items;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.service.data.TestDatabase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

/** The items repository against the real PostgreSQL (DATABASE_URL), in a schema of its own. */
class ItemStoreTest {

    private static final TestDatabase DB = TestDatabase.migrated();

    private final ItemStore store = new ItemStore(DB.jdbc());

    @AfterAll
    static void dropSchema() {
        DB.close();
    }

    @Test
    void storesAndFindsAnItem() {
        Item created = store.create(new NewItem("lamp", "a desk lamp"));
        assertThat(UUID.fromString(created.id())).isNotNull();
        assertThat(created.createdAt()).isNotNull();
        assertThat(store.find(created.id())).hasValue(created);
    }

    @Test
    void keepsAMissingDescriptionAsNull() {
        Item created = store.create(new NewItem("plain", null));
        assertThat(store.find(created.id()).orElseThrow().description()).isNull();
    }

    @Test
    void findsNothingForAnUnknownOrMalformedId() {
        assertThat(store.find(UUID.randomUUID().toString())).isEmpty();
        assertThat(store.find("not-a-uuid")).isEmpty();
        assertThat(store.find("1-2-3-4-5")).isEmpty();
        assertThat(store.find("")).isEmpty();
    }
}
