package dev.paved.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;

/** The metric names on /metrics are the ones every Paved service uses. */
class EventMetricsTest {

    @Test
    void exposesTheContractsNamesInPrometheusFormat() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EventMetrics metrics = new EventMetrics(registry);
        metrics.outboxBacklog(3, 2_500);
        String text = registry.scrape();
        assertThat(text)
                .contains("# TYPE outbox_pending_events gauge")
                .contains("outbox_pending_events 3.0")
                .contains("# TYPE outbox_oldest_pending_age_seconds gauge")
                .contains("outbox_oldest_pending_age_seconds 2.5")
                .contains("# TYPE outbox_published_total counter")
                .contains("# TYPE outbox_publish_failures_total counter")
                .contains("# TYPE consumer_processed_total counter")
                .contains("# TYPE consumer_duplicates_total counter")
                .contains("# TYPE consumer_redeliveries_total counter")
                .contains("# TYPE consumer_dead_lettered_total counter");
    }
}
