package dev.paved.service.items;

import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keeps items in memory; replace with a real store when the service needs one. It is bounded
 * (the oldest item goes first) so clients cannot grow the process without limit.
 */
@Component
public class ItemStore {

    /** How many items are kept when no capacity is given. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final Map<String, Item> items = new ConcurrentHashMap<>();

    // The ids in the order they were stored, as a ring: once the store is full, the slot of the
    // next id holds the oldest. Lock-free, so request threads never queue for the store. Two
    // creates a whole capacity apart that race for one slot can leave one item in the map
    // outside the ring (kept until restart): rare, and bounded by how often that race happens.
    private final AtomicReferenceArray<String> order;
    private final AtomicLong stored = new AtomicLong();
    private final Clock clock = Clock.systemUTC();

    /** Creates a store that keeps the newest {@link #DEFAULT_CAPACITY} items. */
    public ItemStore() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * Creates a store that keeps the newest {@code capacity} items.
     *
     * @param capacity how many items to keep, at least 1
     */
    public ItemStore(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "capacity must be at least 1 (got " + capacity + ")");
        }
        order = new AtomicReferenceArray<>(capacity);
    }

    /**
     * Stores a new item, dropping the oldest one when the store is full.
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
        int slot = (int) (stored.getAndIncrement() % order.length());
        String oldest = order.getAndSet(slot, item.id());
        if (oldest != null) {
            items.remove(oldest);
        }
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
