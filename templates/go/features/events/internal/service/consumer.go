package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	amqp "github.com/rabbitmq/amqp091-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

const (
	// consumerPrefetch bounds the messages the broker hands over before
	// they are acknowledged.
	consumerPrefetch = 20
	// handleTimeout bounds handling one message.
	handleTimeout = 30 * time.Second
)

// consumer handles the events this service's queue receives, each exactly
// once in effect: for each message, one transaction records its event id in
// processed_events and makes its changes (and the outbox rows they cause),
// so a message delivered twice changes nothing the second time. A message
// that cannot be handled goes back to the queue until it has been delivered
// maxAttempts times; then it is rejected, and the broker moves it to the
// dead-letter queue.
type consumer struct {
	db          *pgxpool.Pool
	items       *itemStore
	link        *brokerLink
	queue       string
	maxAttempts int
	logger      *slog.Logger
	metrics     *eventMetrics
}

// run consumes while the link is connected, until ctx ends; the message
// being handled then is finished first.
func (c *consumer) run(ctx context.Context) {
	for ctx.Err() == nil {
		conn, changed := c.link.current()
		if conn == nil {
			select {
			case <-changed:
			case <-ctx.Done():
			}
			continue
		}
		if err := c.consume(ctx, conn); err != nil {
			c.logger.Warn("consuming stopped; it resumes when the broker is back", "queue", c.queue, "error", err.Error())
			// A new connection, or a second for this one to recover.
			select {
			case <-changed:
			case <-time.After(time.Second):
			case <-ctx.Done():
			}
		}
	}
}

// consume handles deliveries on a channel of conn until the channel closes
// (an error) or ctx ends (nil). Closing the channel returns the messages
// prefetched but not handled to the queue.
func (c *consumer) consume(ctx context.Context, conn *amqp.Connection) error {
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := ch.Qos(consumerPrefetch, 0, false); err != nil {
		return err
	}
	deliveries, err := ch.Consume(c.queue, "", false, false, false, false, nil)
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case d, ok := <-deliveries:
			if !ok {
				return errors.New("the broker closed the channel")
			}
			c.handle(ctx, d)
		}
	}
}

// handle processes one delivery and acknowledges, returns or rejects it.
func (c *consumer) handle(ctx context.Context, d amqp.Delivery) {
	if d.Redelivered {
		c.metrics.redeliveries.Inc()
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
	defer cancel()
	duplicate, err := c.process(ctx, d)
	if err == nil {
		if err := d.Ack(false); err != nil {
			// It will be delivered again, and skipped as a duplicate.
			c.logger.Warn("acknowledging a message failed", "messageId", d.MessageId, "error", err.Error())
			return
		}
		c.metrics.processed.Inc()
		if duplicate {
			c.metrics.duplicates.Inc()
		}
		return
	}
	attempt := deliveryAttempt(d)
	if attempt >= c.maxAttempts {
		if err := d.Reject(false); err == nil {
			c.metrics.deadLettered.Inc()
		}
		c.logger.Error("event dead-lettered: its handling failed on every attempt", "queue", c.queue,
			"messageId", d.MessageId, "type", d.Type, "attempt", attempt, "error", err.Error())
		return
	}
	c.logger.Warn("event handling failed; it will be delivered again", "queue", c.queue,
		"messageId", d.MessageId, "type", d.Type, "attempt", attempt, "maxAttempts", c.maxAttempts, "error", err.Error())
	_ = d.Nack(false, true)
}

// deliveryAttempt is which delivery of its message d is, from 1: quorum
// queues count the earlier ones in the x-delivery-count header.
func deliveryAttempt(d amqp.Delivery) int {
	switch n := d.Headers["x-delivery-count"].(type) {
	case int64:
		return int(n) + 1
	case int32:
		return int(n) + 1
	case int:
		return n + 1
	}
	return 1
}

// process handles one message in one transaction; duplicate reports an
// event handled before, which is skipped.
func (c *consumer) process(ctx context.Context, d amqp.Delivery) (duplicate bool, err error) {
	event, err := decodeEvent(d.Body)
	if err != nil {
		return false, err
	}
	// Continue the producer's trace: the events this causes carry it on.
	ctx = propagation.TraceContext{}.Extract(ctx, amqpHeaders(d.Headers))
	if tracingOn() {
		var span trace.Span
		ctx, span = otel.Tracer("events").Start(ctx, "process "+event.Type, trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(
				attribute.String("messaging.system", "rabbitmq"),
				attribute.String("messaging.destination.name", c.queue),
				attribute.String("messaging.message.id", event.ID),
			))
		defer func() {
			if err != nil {
				span.SetStatus(codes.Error, err.Error())
			}
			span.End()
		}()
	}
	err = pgx.BeginFunc(ctx, c.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING`, event.ID)
		if err != nil {
			return err
		}
		if duplicate = tag.RowsAffected() == 0; duplicate {
			return nil
		}
		return c.apply(ctx, tx, event)
	})
	return duplicate, err
}

// apply makes the changes event calls for, within tx.
func (c *consumer) apply(ctx context.Context, tx pgx.Tx, event cloudEvent) error {
	switch event.Type {
	case eventItemRejected:
		data, err := decodeItemRejected(event.Data)
		if err != nil {
			return err
		}
		withdrawn, err := c.items.withdraw(ctx, tx, data.ItemID, data.Reason)
		if withdrawn {
			c.logger.InfoContext(ctx, "item withdrawn", "itemId", data.ItemID, "reason", data.Reason, "eventId", event.ID)
		}
		return err
	}
	return fmt.Errorf("no handler for events of type %q", event.Type)
}

// amqpHeaders lets the trace context propagator read message headers.
type amqpHeaders amqp.Table

func (h amqpHeaders) Get(key string) string {
	value, _ := h[key].(string)
	return value
}

func (h amqpHeaders) Set(key, value string) { h[key] = value }

func (h amqpHeaders) Keys() []string {
	keys := make([]string, 0, len(h))
	for key := range h {
		keys = append(keys, key)
	}
	return keys
}
