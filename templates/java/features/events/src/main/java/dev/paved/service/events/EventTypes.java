package dev.paved.service.events;

/** The example's event types (also routing keys); their data's JSON Schemas are in events/. */
public final class EventTypes {

    /** Published when an item is created: {"id","name","description","createdAt"}. */
    public static final String ITEM_CREATED = "item.created.v1";

    /** Consumed: a downstream service refuses an item: {"itemId","reason"}. */
    public static final String ITEM_REJECTED = "item.rejected.v1";

    /** Published: the compensation for a rejection: {"id","reason"}. */
    public static final String ITEM_WITHDRAWN = "item.withdrawn.v1";

    private EventTypes() {}
}
