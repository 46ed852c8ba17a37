import { Counter, Gauge } from 'prom-client';
import type { Metric } from 'prom-client';

/** The outbox's and the consumer's metrics: the same names in every Paved template. */
export interface EventMetrics {
  outboxPending: Gauge;
  outboxOldestPendingAge: Gauge;
  outboxPublished: Counter;
  outboxPublishFailures: Counter;
  consumerProcessed: Counter;
  consumerDuplicates: Counter;
  consumerRedeliveries: Counter;
  consumerDeadLettered: Counter;
  /** Every metric above, for the app's registry (app.ts). */
  all: readonly Metric[];
}

export function createEventMetrics(): EventMetrics {
  // registers: [] — the app's own registry serves them (one registry per app, see metrics.ts).
  const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [] });
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [] });
  const metrics = {
    outboxPending: gauge('outbox_pending_events', 'Outbox rows not yet published.'),
    outboxOldestPendingAge: gauge('outbox_oldest_pending_age_seconds', 'Age of the oldest unpublished outbox row in seconds, 0 when none.'),
    outboxPublished: counter('outbox_published_total', 'Events the broker confirmed.'),
    outboxPublishFailures: counter('outbox_publish_failures_total', 'Publish attempts that failed (the row is retried).'),
    consumerProcessed: counter('consumer_processed_total', 'Messages handled and acknowledged, duplicates included.'),
    consumerDuplicates: counter('consumer_duplicates_total', 'Messages skipped because their event id was processed before.'),
    consumerRedeliveries: counter('consumer_redeliveries_total', 'Deliveries that were redeliveries of a message.'),
    consumerDeadLettered: counter('consumer_dead_lettered_total', 'Messages rejected to the dead-letter queue.'),
  };
  return { ...metrics, all: Object.values(metrics) };
}
