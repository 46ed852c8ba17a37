package service

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// eventBus is the service's side of the broker: the outbox relay
// (relay.go) and the consumer (consumer.go), each on its own connection.
type eventBus struct {
	source    string // the CloudEvents source of what this service publishes
	publisher *brokerLink
	receiver  *brokerLink
	relay     *relay
	consumer  *consumer
	metrics   *eventMetrics
}

// newEventBus prepares the relay and the consumer; run starts them.
func newEventBus(cfg Config, logger *slog.Logger, db *pgxpool.Pool, source string) *eventBus {
	b := &eventBus{
		source:    source,
		publisher: newBrokerLink("publisher", cfg, logger),
		receiver:  newBrokerLink("consumer", cfg, logger),
		metrics:   newEventMetrics(),
	}
	b.relay = &relay{db: db, link: b.publisher, exchange: cfg.EventsExchange, logger: logger, metrics: b.metrics}
	b.consumer = &consumer{
		db: db, items: newItemStore(db, source), link: b.receiver,
		queue: cfg.EventsQueue, maxAttempts: cfg.EventsMaxAttempts, logger: logger, metrics: b.metrics,
	}
	return b
}

// run connects to the broker and runs the relay and the consumer until
// ctx ends; it returns once they have finished what they were doing and
// the connections are closed.
func (b *eventBus) run(ctx context.Context) {
	connections, closeConnections := context.WithCancel(context.WithoutCancel(ctx))
	var links, workers sync.WaitGroup
	links.Go(func() { b.publisher.run(connections) })
	links.Go(func() { b.receiver.run(connections) })
	workers.Go(func() { b.relay.run(ctx) })
	workers.Go(func() { b.consumer.run(ctx) })
	workers.Wait()
	closeConnections()
	links.Wait()
}

// connected is /readyz's broker check: both connections are open. (Events
// are not lost meanwhile: they wait in the outbox, or in the queue.)
func (b *eventBus) connected(context.Context) error {
	for _, link := range []*brokerLink{b.publisher, b.receiver} {
		if !link.connected() {
			return fmt.Errorf("no %s connection to the broker", link.name)
		}
	}
	return nil
}

// eventMetrics are the outbox's and the consumer's metrics, with the same
// names in every Paved template.
type eventMetrics struct {
	pending, oldestPendingAge                                                     prometheus.Gauge
	published, publishFailures, processed, duplicates, redeliveries, deadLettered prometheus.Counter
}

func newEventMetrics() *eventMetrics {
	gauge := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	}
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	return &eventMetrics{
		pending:          gauge("outbox_pending_events", "Outbox rows not yet published (refreshed by each relay pass)."),
		oldestPendingAge: gauge("outbox_oldest_pending_age_seconds", "Age of the oldest unpublished outbox row, 0 when none (refreshed by each relay pass)."),
		published:        counter("outbox_published_total", "Events the broker confirmed."),
		publishFailures:  counter("outbox_publish_failures_total", "Publish attempts that failed (the row is retried)."),
		processed:        counter("consumer_processed_total", "Messages handled and acknowledged, duplicates included."),
		duplicates:       counter("consumer_duplicates_total", "Messages skipped because their event id was processed before."),
		redeliveries:     counter("consumer_redeliveries_total", "Deliveries that were redeliveries of a message."),
		deadLettered:     counter("consumer_dead_lettered_total", "Messages rejected to the dead-letter queue."),
	}
}

// collectors are the metrics, for the server's registry (metrics.go).
func (m *eventMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		m.pending, m.oldestPendingAge,
		m.published, m.publishFailures, m.processed, m.duplicates, m.redeliveries, m.deadLettered,
	}
}
