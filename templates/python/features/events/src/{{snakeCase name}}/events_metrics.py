"""The outbox's and the consumer's Prometheus metrics (the same names in every language)."""

from prometheus_client import CollectorRegistry, Counter, Gauge


class EventMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Counters are exposed with the _total suffix, e.g. outbox_published_total.
        self.outbox_pending = Gauge(
            "outbox_pending_events", "Outbox rows not yet published.", registry=registry
        )
        self.outbox_oldest_pending_age = Gauge(
            "outbox_oldest_pending_age_seconds",
            "Age of the oldest unpublished outbox row in seconds, 0 when none.",
            registry=registry,
        )
        self.published = Counter(
            "outbox_published", "Events the broker confirmed.", registry=registry
        )
        self.publish_failures = Counter(
            "outbox_publish_failures",
            "Publish attempts that failed (the row is retried).",
            registry=registry,
        )
        self.processed = Counter(
            "consumer_processed",
            "Messages handled and acknowledged, duplicates included.",
            registry=registry,
        )
        self.duplicates = Counter(
            "consumer_duplicates",
            "Messages skipped because their event id was processed before.",
            registry=registry,
        )
        self.redeliveries = Counter(
            "consumer_redeliveries",
            "Deliveries that were redeliveries of a message.",
            registry=registry,
        )
        self.dead_lettered = Counter(
            "consumer_dead_lettered",
            "Messages rejected to the dead-letter queue.",
            registry=registry,
        )
