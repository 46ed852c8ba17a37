package dev.paved.service.events;

import com.rabbitmq.client.Channel;

import dev.paved.service.items.ItemStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * The idempotent consumer of this service's queue. For each message, in one transaction: remember
 * its event id in processed_events (a duplicate stops there), then apply it (the saga: a rejected
 * item is withdrawn and item.withdrawn.v1 goes to the outbox), then acknowledge. A message that
 * fails (not JSON, not a valid event, a database error) rolls back and goes back to the queue
 * until it has been delivered maxAttempts times; the last failure rejects it and the broker moves
 * it to the dead-letter queue.
 */
public final class EventConsumer implements ChannelAwareMessageListener {

    private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);

    /** The quorum queue's count of earlier deliveries of a message. */
    private static final String DELIVERY_COUNT = "x-delivery-count";

    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final ItemStore items;
    private final EventMetrics metrics;
    private final JsonMapper json;
    private final int maxAttempts;

    /**
     * Creates the consumer.
     *
     * @param tx transactions over the service's database
     * @param jdbc the database client
     * @param items the items repository, which withdraws items
     * @param metrics where messages are counted
     * @param json the JSON mapper
     * @param maxAttempts deliveries of one message before it is dead-lettered
     */
    public EventConsumer(
            TransactionTemplate tx,
            JdbcClient jdbc,
            ItemStore items,
            EventMetrics metrics,
            JsonMapper json,
            int maxAttempts) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.items = items;
        this.metrics = metrics;
        this.json = json;
        this.maxAttempts = maxAttempts;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        MessageProperties props = message.getMessageProperties();
        long tag = props.getDeliveryTag();
        long earlier = earlierDeliveries(props);
        if (earlier > 0 || Boolean.TRUE.equals(props.isRedelivered())) {
            metrics.redeliveries.increment();
        }
        boolean duplicate;
        try {
            duplicate = Boolean.TRUE.equals(tx.execute(status -> handle(message)));
        } catch (RuntimeException e) {
            boolean last = earlier + 1 >= maxAttempts;
            if (last) {
                metrics.deadLettered.increment();
                LOG.error(
                        "event {} failed on delivery {} of {}, dead-lettered: {}",
                        props.getMessageId(),
                        earlier + 1,
                        maxAttempts,
                        e.toString());
            } else {
                LOG.warn(
                        "event {} failed on delivery {} of {}, requeued: {}",
                        props.getMessageId(),
                        earlier + 1,
                        maxAttempts,
                        e.toString());
            }
            channel.basicNack(tag, false, !last);
            return;
        }
        channel.basicAck(tag, false);
        metrics.processed.increment();
        if (duplicate) {
            metrics.duplicates.increment();
        }
    }

    /**
     * Applies one message in the caller's transaction.
     *
     * @return true when its event id was processed before (nothing else was done)
     */
    private boolean handle(Message message) {
        JsonNode event = json.readTree(message.getBody());
        String id = requiredText(event, "id");
        String type = requiredText(event, "type");
        int fresh =
                jdbc.sql(
                                "INSERT INTO processed_events (event_id) VALUES (?)"
                                        + " ON CONFLICT DO NOTHING")
                        .param(id)
                        .update();
        if (fresh == 0) {
            return true;
        }
        if (EventTypes.ITEM_REJECTED.equals(type)) {
            JsonNode data = event.get("data");
            if (data == null || !data.isObject()) {
                throw new InvalidEventException("data must be an object");
            }
            String itemId = requiredText(data, "itemId");
            String reason = requiredText(data, "reason");
            MessageProperties props = message.getMessageProperties();
            // The withdrawal continues the trace of the rejection.
            items.withdraw(
                    itemId,
                    reason,
                    TraceHeaders.of(
                            props.getHeader(TraceHeaders.TRACEPARENT),
                            props.getHeader(TraceHeaders.TRACESTATE)));
        }
        // Another type reaches this queue only through a binding added by hand: remembered, and
        // acknowledged with no effect.
        return false;
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.asString().isEmpty()) {
            throw new InvalidEventException(field + " must be a non-empty string");
        }
        return value.asString();
    }

    private static long earlierDeliveries(MessageProperties props) {
        Object count = props.getHeader(DELIVERY_COUNT);
        return count instanceof Number n ? n.longValue() : 0;
    }

    /** A message that is not an event this service understands. */
    static final class InvalidEventException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidEventException(String message) {
            super(message);
        }
    }
}
