package dev.paved.service.items;

import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps items in memory; replace with a real store when the service needs one. */
@Component
public class ItemStore {

    private final Map<String, Item> items = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /**
     * Stores a new item.
     *
     * @param request the validated request
     * @return the stored item, with its new id
     */
    public Item create(NewItem request) {
        Item item =
                new Item(
                        UUID.randomUUID().toString(),
                        request.name(),
                        request.description(),
                        clock.instant());
        items.put(item.id(), item);
        return item;
    }

    /**
     * Looks an item up.
     *
     * @param id its id
     * @return the item, if there is one
     */
    public Optional<Item> find(String id) {
        return Optional.ofNullable(items.get(id));
    }
}
