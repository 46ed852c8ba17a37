package dev.paved.service.items;

import java.time.Instant;

/**
 * A stored item.
 *
 * @param id the id the service gave it
 * @param name its name
 * @param description its description, or null
 * @param createdAt when it was created
 */
public record Item(String id, String name, String description, Instant createdAt) {}
