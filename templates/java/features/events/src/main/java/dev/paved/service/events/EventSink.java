package dev.paved.service.events;

import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** Where a state change's events go; in the service, the transactional outbox (Outbox). */
public interface EventSink {

    /**
     * Hands over an event of the state change in progress.
     *
     * @param event the CloudEvent (CloudEvents.create)
     * @param headers the AMQP headers to send it with: traceparent, tracestate
     */
    void append(ObjectNode event, Map<String, String> headers);
}
