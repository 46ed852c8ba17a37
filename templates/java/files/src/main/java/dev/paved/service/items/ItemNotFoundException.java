package dev.paved.service.items;

/** No item has the requested id. */
public final class ItemNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param id the id that was asked for
     */
    public ItemNotFoundException(String id) {
        super("Item " + id + " does not exist.");
    }
}
