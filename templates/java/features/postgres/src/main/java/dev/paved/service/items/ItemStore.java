package dev.paved.service.items;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The items repository: the items table in PostgreSQL (db/migration). */
@Component
public class ItemStore {

    private static final RowMapper<Item> ROW =
            (rs, n) ->
                    new Item(
                            rs.getObject("id", UUID.class).toString(),
                            rs.getString("name"),
                            rs.getString("description"),
                            rs.getObject("created_at", OffsetDateTime.class).toInstant());

    private static final Pattern UUID_TEXT =
            Pattern.compile("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$");

    private final JdbcClient jdbc;

    /**
     * Creates the repository.
     *
     * @param jdbc the database client
     */
    public ItemStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores a new item.
     *
     * @param request the validated request
     * @return the stored item, with its new id and the database's creation time
     */
    public Item create(NewItem request) {
        return jdbc.sql(
                        "INSERT INTO items (id, name, description) VALUES (?, ?, ?)"
                                + " RETURNING id, name, description, created_at")
                .params(UUID.randomUUID(), request.name(), request.description())
                .query(ROW)
                .single();
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
        return jdbc.sql("SELECT id, name, description, created_at FROM items WHERE id = ?")
                .param(uuid)
                .query(ROW)
                .optional();
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
