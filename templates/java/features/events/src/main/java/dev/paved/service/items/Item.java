package dev.paved.service.items;

import java.time.Instant;

/**
 * A stored item.
 *
 * @param id the id the service gave it
 * @param name its name
 * @param description its description, or null
 * @param createdAt when it was created
 * @param status "active", or "withdrawn" once a downstream service rejected it (the saga)
 */
public record Item(String id, String name, String description, Instant createdAt, String status) {}
