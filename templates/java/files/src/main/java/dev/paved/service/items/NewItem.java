package dev.paved.service.items;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of POST /v1/items. Unknown properties are rejected (see StrictJsonConfig).
 *
 * @param name the item's name, 1 to 100 characters
 * @param description an optional description, at most 1000 characters
 */
public record NewItem(
        @NotNull(message = "is required")
                @Size(min = 1, max = 100, message = "must be 1 to 100 characters long")
                String name,
        @Size(max = 1000, message = "must be at most 1000 characters long") String description) {}
