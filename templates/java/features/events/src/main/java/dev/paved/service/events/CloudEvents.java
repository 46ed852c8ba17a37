package dev.paved.service.events;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.UUID;

/**
 * Builds CloudEvents 1.0 in structured mode: the whole event is one JSON document (the AMQP body,
 * content type application/cloudevents+json), so the envelope survives every hop (dead-letter
 * queue, logs, replays) and no SDK is needed to read it in any language.
 */
public final class CloudEvents {

    /** The AMQP content type of a structured-mode CloudEvent. */
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private final JsonMapper json;
    private final String source;

    /**
     * Creates the builder.
     *
     * @param json the JSON mapper
     * @param source the events' source attribute, "/team/service"
     */
    public CloudEvents(JsonMapper json, String source) {
        this.json = json;
        this.source = source;
    }

    /**
     * A new event with a fresh id.
     *
     * @param type the event type, e.g. item.created.v1 (also the routing key)
     * @param subject what it is about: the item's id
     * @param data the payload
     * @return the event
     */
    public ObjectNode create(String type, String subject, JsonNode data) {
        ObjectNode event = json.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", source);
        event.put("type", type);
        event.put("subject", subject);
        event.put("time", Instant.now().toString());
        event.put("datacontenttype", "application/json");
        event.set("data", data);
        return event;
    }

    /**
     * The JSON mapper the events are built with.
     *
     * @return the mapper
     */
    public JsonMapper json() {
        return json;
    }
}
