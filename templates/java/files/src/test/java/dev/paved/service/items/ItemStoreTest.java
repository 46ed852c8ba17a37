package dev.paved.service.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class ItemStoreTest {

    @Test
    void keepsTheNewestItemsUpToItsCapacityDroppingTheOldestFirst() {
        ItemStore store = new ItemStore(3);
        List<Item> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(store.create(new NewItem("item " + i, null)));
        }
        assertThat(store.find(created.get(0).id())).isEmpty();
        assertThat(store.find(created.get(1).id())).isEmpty();
        for (Item kept : created.subList(2, 5)) {
            assertThat(store.find(kept.id())).contains(kept);
        }
    }

    @Test
    void refusesACapacityBelowOne() {
        assertThatThrownBy(() -> new ItemStore(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
