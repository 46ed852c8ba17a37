package dev.paved.service.items;

import dev.paved.service.events.CloudEvents;
import dev.paved.service.events.EventSink;
import dev.paved.service.events.EventTypes;
import dev.paved.service.events.TraceHeaders;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The items repository: the items table in PostgreSQL (db/migration). Every change writes its
 * event to the outbox in the same transaction, so the event exists exactly when the change does.
 */
@Component
public class ItemStore {

    private static final String COLUMNS = "id, name, description, created_at, status";

    private static final RowMapper<Item> ROW =
            (rs, n) ->
                    new Item(
                            rs.getObject("id", UUID.class).toString(),
                            rs.getString("name"),
                            rs.getString("description"),
                            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                            rs.getString("status"));

    private static final Pattern UUID_TEXT =
            Pattern.compile("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$");

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final EventSink outbox;
    private final CloudEvents events;
    private final TraceHeaders trace;

    /**
     * Creates the repository.
     *
     * @param jdbc the database client
     * @param tx transactions over the same database
     * @param outbox where the events of each change go: the outbox, in its transaction
     * @param events builds the CloudEvents
     * @param trace the trace context the events carry
     */
    public ItemStore(
            JdbcClient jdbc,
            TransactionTemplate tx,
            EventSink outbox,
            CloudEvents events,
            TraceHeaders trace) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.events = events;
        this.trace = trace;
    }

    /**
     * Stores a new item and its item.created.v1 event, in one transaction (or the caller's).
     *
     * @param request the validated request
     * @return the stored item, with its new id and the database's creation time
     */
    public Item create(NewItem request) {
        return tx.execute(
                status -> {
                    Item item =
                            jdbc.sql(
                                            "INSERT INTO items (id, name, description)"
                                                    + " VALUES (?, ?, ?) RETURNING "
                                                    + COLUMNS)
                                    .params(
                                            UUID.randomUUID(),
                                            request.name(),
                                            request.description())
                                    .query(ROW)
                                    .single();
                    ObjectNode data = events.json().createObjectNode();
                    data.put("id", item.id());
                    data.put("name", item.name());
                    data.put("description", item.description());
                    data.put("createdAt", item.createdAt().toString());
                    outbox.append(
                            events.create(EventTypes.ITEM_CREATED, item.id(), data),
                            trace.current());
                    return item;
                });
    }

    /**
     * Looks an item up.
     *
     * @param id its id; anything that is not a UUID names no item
     * @return the item, if there is one
     */
    public Optional<Item> find(String id) {
        UUID uuid = parseId(id);
        if (uuid == null) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM items WHERE id = ?")
                .param(uuid)
                .query(ROW)
                .optional();
    }

    /**
     * The saga's compensation: withdraws an active item and writes item.withdrawn.v1, in the
     * caller's transaction (the consumer's, with its processed_events row).
     *
     * @param id the rejected item's id
     * @param reason why it was rejected
     * @param traceHeaders the trace context of the rejection, carried on
     * @return true when the item was active and is now withdrawn; false for an unknown or
     *     already withdrawn item, which changes nothing
     */
    public boolean withdraw(String id, String reason, Map<String, String> traceHeaders) {
        UUID uuid = parseId(id);
        if (uuid == null) {
            return false;
        }
        int changed =
                jdbc.sql(
                                "UPDATE items SET status = 'withdrawn'"
                                        + " WHERE id = ? AND status = 'active'")
                        .param(uuid)
                        .update();
        if (changed == 0) {
            return false;
        }
        ObjectNode data = events.json().createObjectNode();
        data.put("id", uuid.toString());
        data.put("reason", reason);
        outbox.append(
                events.create(EventTypes.ITEM_WITHDRAWN, uuid.toString(), data), traceHeaders);
        return true;
    }

    /**
     * Parses an item id.
     *
     * @param id the id from a client or an event
     * @return the UUID, or null when it is not one (never an error: an unknown id is a 404)
     */
    static UUID parseId(String id) {
        // UUID.fromString alone is lenient ("1-2-3-4-5" parses), so the canonical form first.
        return id != null && UUID_TEXT.matcher(id).matches() ? UUID.fromString(id) : null;
    }
}
