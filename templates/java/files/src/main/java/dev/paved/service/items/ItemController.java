package dev.paved.service.items;

import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The example resource: create an item, read it back. */
@RestController
@RequestMapping(path = "/v1/items", produces = MediaType.APPLICATION_JSON_VALUE)
public class ItemController {

    private final ItemStore store;

    /**
     * Creates the controller.
     *
     * @param store where items are kept
     */
    public ItemController(ItemStore store) {
        this.store = store;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Item> create(@Valid @RequestBody NewItem request) {
        Item item = store.create(request);
        // The header as a string: ResponseEntity.created(URI) would parse the path into a URI
        // only to print it again, on every create.
        return ResponseEntity.status(HttpStatus.CREATED)
                .header(HttpHeaders.LOCATION, "/v1/items/" + item.id())
                .body(item);
    }

    @GetMapping("/{id}")
    Item get(@PathVariable String id) {
        return store.find(id).orElseThrow(() -> new ItemNotFoundException(id));
    }
}
