package dev.paved.service.events;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.UUID;

/**
 * Writes events to the outbox table in the caller's transaction, so an event exists exactly when
 * the state change it announces was committed; the relay (OutboxRelay) publishes it later.
 */
public final class Outbox implements EventSink {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Runnable afterCommit;

    /**
     * Creates the outbox.
     *
     * @param jdbc the database client (the same pool as the state it goes with)
     * @param json the JSON mapper
     * @param afterCommit run when a transaction that wrote events has committed (wakes the relay,
     *     so an event leaves at once instead of at the relay's next poll)
     */
    public Outbox(JdbcClient jdbc, JsonMapper json, Runnable afterCommit) {
        this.jdbc = jdbc;
        this.json = json;
        this.afterCommit = afterCommit;
    }

    /**
     * Adds an event to the current transaction.
     *
     * @param event the CloudEvent (CloudEvents.create)
     * @param headers the AMQP headers to send it with: traceparent, tracestate
     * @throws IllegalStateException outside a transaction, where the event could be committed
     *     without its state change or the other way round
     */
    @Override
    public void append(ObjectNode event, Map<String, String> headers) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("an outbox row is written in its state's transaction");
        }
        jdbc.sql(
                        "INSERT INTO outbox (id, type, event, headers)"
                                + " VALUES (?, ?, ?::jsonb, ?::jsonb)")
                .params(
                        UUID.fromString(event.get("id").asString()),
                        event.get("type").asString(),
                        json.writeValueAsString(event),
                        json.writeValueAsString(headers))
                .update();
        TransactionSynchronizationManager.registerSynchronization(
                new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        afterCommit.run();
                    }
                });
    }
}
