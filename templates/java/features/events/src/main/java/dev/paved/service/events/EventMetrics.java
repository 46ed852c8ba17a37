package dev.paved.service.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox and consumer metrics, with the names every Paved service uses: Micrometer's dotted
 * names become outbox_pending_events, outbox_oldest_pending_age_seconds, outbox_published_total,
 * outbox_publish_failures_total, consumer_processed_total, consumer_duplicates_total,
 * consumer_redeliveries_total and consumer_dead_lettered_total on /metrics.
 */
public final class EventMetrics {

    final Counter published;
    final Counter publishFailures;
    final Counter processed;
    final Counter duplicates;
    final Counter redeliveries;
    final Counter deadLettered;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestPendingAgeMillis = new AtomicLong();

    /**
     * Registers the metrics.
     *
     * @param registry where they are registered
     */
    public EventMetrics(MeterRegistry registry) {
        published = counter(registry, "outbox.published", "events the broker confirmed");
        publishFailures =
                counter(
                        registry,
                        "outbox.publish.failures",
                        "publish attempts that failed (the row is retried)");
        processed =
                counter(
                        registry,
                        "consumer.processed",
                        "messages handled and acknowledged, duplicates included");
        duplicates =
                counter(
                        registry,
                        "consumer.duplicates",
                        "messages skipped because their event id was processed before");
        redeliveries =
                counter(
                        registry,
                        "consumer.redeliveries",
                        "deliveries that were redeliveries of a message");
        deadLettered =
                counter(
                        registry,
                        "consumer.dead.lettered",
                        "messages rejected to the dead-letter queue");
        Gauge.builder("outbox.pending.events", pending, AtomicLong::get)
                .description("rows not yet published")
                .register(registry);
        Gauge.builder(
                        "outbox.oldest.pending.age",
                        oldestPendingAgeMillis,
                        millis -> millis.get() / 1000.0)
                .baseUnit("seconds")
                .description("age of the oldest unpublished row, 0 when none")
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    /**
     * Sets the two outbox gauges; the relay calls it on each pass.
     *
     * @param rows rows not yet published
     * @param oldestAgeMillis age of the oldest of them, 0 when none
     */
    void outboxBacklog(long rows, long oldestAgeMillis) {
        pending.set(rows);
        oldestPendingAgeMillis.set(oldestAgeMillis);
    }
}
