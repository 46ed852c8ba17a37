package dev.paved.service.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the outbox: a loop in the service process that takes a batch of due rows (FOR UPDATE
 * SKIP LOCKED, so replicas never publish the same row at once), publishes them with publisher
 * confirms, marks the confirmed ones and backs the failed ones off. Delivery is at least once: a
 * relay that dies between the broker's confirm and its commit publishes the row again, which is
 * why consumers deduplicate.
 *
 * <p>It runs in a lifecycle phase below the web server's, so on SIGTERM it stops only after the
 * HTTP server has drained (the events of the last requests are in the outbox by then).
 */
public final class OutboxRelay implements SmartLifecycle {

    /** Rows taken per pass. */
    static final int BATCH = 100;

    /** How long the loop sleeps when there was nothing to do (unless woken by a commit). */
    static final Duration IDLE_POLL = Duration.ofMillis(200);

    /** How long a batch waits for the broker's confirms. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    /** The longest a failed row waits before its next attempt. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private static final RowMapper<Row> ROW =
            (rs, n) ->
                    new Row(
                            rs.getObject("id", UUID.class),
                            rs.getString("type"),
                            rs.getString("event"),
                            rs.getString("headers"));

    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final RabbitTemplate rabbit;
    private final String exchange;
    private final EventMetrics metrics;
    private final JsonMapper json;
    private final Object wake = new Object();
    private volatile boolean running;
    private volatile boolean woken;
    private Thread thread;

    /**
     * Creates the relay.
     *
     * @param tx transactions over the outbox's database
     * @param jdbc the database client
     * @param rabbit a template whose connection factory has correlated publisher confirms
     * @param exchange the exchange to publish to (the routing key is the event type)
     * @param metrics where published events and failures are counted
     * @param json the JSON mapper
     */
    public OutboxRelay(
            TransactionTemplate tx,
            JdbcClient jdbc,
            RabbitTemplate rabbit,
            String exchange,
            EventMetrics metrics,
            JsonMapper json) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.rabbit = rabbit;
        this.exchange = exchange;
        this.metrics = metrics;
        this.json = json;
    }

    /** One outbox row. */
    private record Row(UUID id, String type, String event, String headers) {}

    /**
     * What one pass did.
     *
     * @param published rows the broker confirmed (and that were marked)
     * @param failed rows whose publication failed (and that were backed off)
     */
    public record Pass(int published, int failed) {}

    /**
     * Publishes one batch of due rows, in one transaction.
     *
     * @return what was done
     */
    public Pass relayOnce() {
        Pass pass = tx.execute(status -> publishBatch());
        metrics.published.increment(pass.published());
        metrics.publishFailures.increment(pass.failed());
        refreshBacklog();
        return pass;
    }

    private Pass publishBatch() {
        List<Row> rows =
                jdbc.sql(
                                "SELECT id, type, event::text AS event, headers::text AS headers"
                                        + " FROM outbox"
                                        + " WHERE published_at IS NULL AND next_attempt_at <= now()"
                                        + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED")
                        .param(BATCH)
                        .query(ROW)
                        .list();
        Map<Row, CorrelationData> sent = new LinkedHashMap<>();
        Map<Row, String> failed = new LinkedHashMap<>();
        AmqpException unreachable = null;
        for (Row row : rows) {
            if (unreachable != null) {
                // No broker: the rest of the batch waits too, without a connection attempt each.
                failed.put(row, describe(unreachable));
                continue;
            }
            CorrelationData confirm = new CorrelationData(row.id().toString());
            try {
                rabbit.send(exchange, row.type(), message(row), confirm);
                sent.put(row, confirm);
            } catch (AmqpConnectException e) {
                unreachable = e;
                failed.put(row, describe(e));
            } catch (AmqpException e) {
                failed.put(row, describe(e));
            }
        }
        List<UUID> confirmed = new ArrayList<>();
        long deadline = System.nanoTime() + CONFIRM_TIMEOUT.toNanos();
        for (Map.Entry<Row, CorrelationData> entry : sent.entrySet()) {
            String problem = awaitConfirm(entry.getValue(), deadline);
            if (problem == null) {
                confirmed.add(entry.getKey().id());
            } else {
                failed.put(entry.getKey(), problem);
            }
        }
        if (!confirmed.isEmpty()) {
            jdbc.sql("UPDATE outbox SET published_at = now() WHERE id IN (:ids)")
                    .param("ids", confirmed)
                    .update();
        }
        failed.forEach(this::backOff);
        if (!failed.isEmpty()) {
            LOG.warn(
                    "outbox: {} event(s) not published, retried later: {}",
                    failed.size(),
                    failed.values().iterator().next());
        }
        return new Pass(confirmed.size(), failed.size());
    }

    private Message message(Row row) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(row.id().toString());
        props.setContentType(CloudEvents.CONTENT_TYPE);
        props.setType(row.type());
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        json.readTree(row.headers())
                .properties()
                .forEach(header -> props.setHeader(header.getKey(), header.getValue().asString()));
        return new Message(row.event().getBytes(StandardCharsets.UTF_8), props);
    }

    /** Null when the broker confirmed the message, else why not. */
    private static String awaitConfirm(CorrelationData confirm, long deadline) {
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            CorrelationData.Confirm result = confirm.getFuture().get(left, TimeUnit.NANOSECONDS);
            return result.ack() ? null : "the broker refused the message: " + result.reason();
        } catch (TimeoutException e) {
            return "no confirm from the broker within " + CONFIRM_TIMEOUT.toSeconds() + " s";
        } catch (ExecutionException e) {
            return describe(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting for the broker's confirm";
        }
    }

    private void backOff(Row row, String problem) {
        // 0.5 s, 1 s, 2 s, ... up to MAX_BACKOFF; attempts is the count before this one.
        jdbc.sql(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
                                + " next_attempt_at = now() + make_interval(secs =>"
                                + " least(?, 0.5 * power(2, least(attempts, 16))))"
                                + " WHERE id = ?")
                .params(problem, MAX_BACKOFF.toSeconds(), row.id())
                .update();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Sets the backlog gauges from the table. */
    void refreshBacklog() {
        jdbc.sql(
                        "SELECT count(*) AS pending, coalesce(extract(epoch FROM now()"
                                + " - min(created_at)) * 1000, 0)::bigint AS oldest_ms"
                                + " FROM outbox WHERE published_at IS NULL")
                .query(
                        (rs, n) -> {
                            metrics.outboxBacklog(rs.getLong("pending"), rs.getLong("oldest_ms"));
                            return null;
                        })
                .list();
    }

    /** Makes an idle loop run its next pass now: an outbox row has just been committed. */
    public void wakeUp() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    private void loop() {
        int failures = 0;
        while (running) {
            try {
                Pass pass = relayOnce();
                failures = 0;
                if (pass.published() + pass.failed() < BATCH) {
                    pause(IDLE_POLL);
                }
            } catch (RuntimeException e) {
                // The database is unreachable: the rows wait in the outbox; try again later.
                failures++;
                LOG.warn("outbox relay pass failed (attempt {}): {}", failures, describe(e));
                long backoff = Math.min(MAX_BACKOFF.toMillis(), 200L << Math.min(failures, 8));
                pause(Duration.ofMillis(backoff));
            }
        }
    }

    private void pause(Duration duration) {
        synchronized (wake) {
            if (running && !woken) {
                try {
                    wake.wait(duration.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            woken = false;
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        wakeUp();
        if (thread == null) {
            return;
        }
        try {
            // A pass in progress finishes (at most the confirm timeout), then the loop ends.
            thread.join(CONFIRM_TIMEOUT.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Below the web server's phases: started before it, stopped after it has drained. */
    @Override
    public int getPhase() {
        return 0;
    }
}
