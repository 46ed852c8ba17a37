package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	amqp "github.com/rabbitmq/amqp091-go"
)

const (
	// relayBatch is the most rows one pass publishes; a full batch is
	// followed by another pass at once.
	relayBatch = 100
	// relayPoll is the pause between passes when the outbox is idle.
	relayPoll = 200 * time.Millisecond
	// relayPassTimeout bounds one pass, broker confirms included.
	relayPassTimeout = 30 * time.Second
	// A row that failed waits retryMin before its next attempt, doubling
	// with each failure up to retryMax.
	retryMin = time.Second
	retryMax = 30 * time.Second
)

// relay publishes the outbox (events.go's enqueue writes it): each pass
// locks a batch of due rows, publishes them with publisher confirms, marks
// the confirmed ones published and the others for a later attempt, and
// refreshes the outbox gauges. Replicas skip each other's locked rows, so
// no row is published by two relays at once. A relay that stops between
// the broker's confirm and its commit publishes that row again: delivery is
// at least once, and consumers deduplicate by event id.
type relay struct {
	db       *pgxpool.Pool
	link     *brokerLink
	exchange string
	logger   *slog.Logger
	metrics  *eventMetrics
}

// run makes passes until ctx ends; a pass under way finishes first.
func (r *relay) run(ctx context.Context) {
	var ch *amqp.Channel // in confirm mode, on the link's connection
	defer func() {
		if ch != nil {
			_ = ch.Close()
		}
	}()
	for ctx.Err() == nil {
		if ch == nil || ch.IsClosed() {
			ch = r.confirmChannel()
		}
		passCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), relayPassTimeout)
		full, err := r.pass(passCtx, ch)
		cancel()
		if err != nil {
			r.logger.Warn("outbox relay pass failed", "error", err.Error())
		}
		if !full || err != nil {
			sleep(ctx, relayPoll)
		}
	}
}

// confirmChannel opens a channel in confirm mode on the link's connection;
// nil while there is no connection (the pass then only refreshes gauges).
func (r *relay) confirmChannel() *amqp.Channel {
	conn, _ := r.link.current()
	if conn == nil {
		return nil
	}
	ch, err := conn.Channel()
	if err != nil {
		return nil
	}
	if err := ch.Confirm(false); err != nil {
		_ = ch.Close()
		return nil
	}
	return ch
}

// pass publishes one batch when ch is not nil, and refreshes the gauges;
// full reports a full batch (more rows may be due).
func (r *relay) pass(ctx context.Context, ch *amqp.Channel) (full bool, err error) {
	if ch != nil {
		n, err := r.publishBatch(ctx, ch)
		if err != nil {
			return false, err
		}
		full = n == relayBatch
	}
	return full, r.refreshGauges(ctx)
}

// outboxRow is one event waiting to be published.
type outboxRow struct {
	id, eventType string
	event         []byte
	headers       map[string]string
	attempts      int

	confirm *amqp.DeferredConfirmation
	err     error
}

// publishBatch publishes the due rows it can lock, in one transaction, and
// returns how many it took.
func (r *relay) publishBatch(ctx context.Context, ch *amqp.Channel) (int, error) {
	tx, err := r.db.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback(ctx) }() // nothing to undo once committed

	rows, _ := tx.Query(ctx, `
		SELECT id, type, event, headers, attempts FROM outbox
		WHERE published_at IS NULL AND next_attempt_at <= now()
		ORDER BY created_at
		LIMIT $1
		FOR UPDATE SKIP LOCKED`, relayBatch)
	batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (outboxRow, error) {
		var o outboxRow
		var event []byte
		if err := row.Scan(&o.id, &o.eventType, &event, &o.headers, &o.attempts); err != nil {
			return o, err
		}
		// jsonb gives the event back with a space after every colon and comma.
		var compact bytes.Buffer
		err := json.Compact(&compact, event)
		o.event = compact.Bytes()
		return o, err
	})
	if err != nil || len(batch) == 0 {
		return 0, err
	}

	// Publish them all, then wait: the broker confirms many in one frame.
	for i := range batch {
		o := &batch[i]
		headers := amqp.Table{}
		for key, value := range o.headers {
			headers[key] = value
		}
		o.confirm, o.err = ch.PublishWithDeferredConfirmWithContext(ctx, r.exchange, o.eventType, false, false, amqp.Publishing{
			ContentType:  cloudEventsContentType,
			DeliveryMode: amqp.Persistent,
			MessageId:    o.id,
			Type:         o.eventType,
			Headers:      headers,
			Body:         o.event,
		})
	}
	var published []string
	var failed []*outboxRow
	for i := range batch {
		o := &batch[i]
		if o.err == nil {
			acked, err := o.confirm.WaitContext(ctx)
			switch {
			case err != nil:
				o.err = fmt.Errorf("no confirm from the broker: %w", err)
			case !acked:
				o.err = errors.New("the broker did not take the message (nack, or the channel closed)")
			}
		}
		if o.err != nil {
			failed = append(failed, o)
			continue
		}
		published = append(published, o.id)
	}

	if _, err := tx.Exec(ctx, `UPDATE outbox SET published_at = now() WHERE id = ANY($1)`, published); err != nil {
		return 0, err
	}
	for _, o := range failed {
		delay := backoff(o.attempts, retryMin, retryMax)
		if _, err := tx.Exec(ctx, `
			UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2), last_error = $3
			WHERE id = $1`, o.id, delay.Seconds(), o.err.Error()); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	r.metrics.published.Add(float64(len(published)))
	r.metrics.publishFailures.Add(float64(len(failed)))
	if len(failed) > 0 {
		r.logger.Warn("publishing events failed; they will be tried again", "failed", len(failed), "published", len(published), "error", failed[0].err.Error())
	}
	return len(batch), nil
}

// refreshGauges sets outbox_pending_events and
// outbox_oldest_pending_age_seconds.
func (r *relay) refreshGauges(ctx context.Context) error {
	var pending int64
	var oldest float64
	err := r.db.QueryRow(ctx, `
		SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
		FROM outbox WHERE published_at IS NULL`).Scan(&pending, &oldest)
	if err != nil {
		return err
	}
	r.metrics.pending.Set(float64(pending))
	r.metrics.oldestPendingAge.Set(oldest)
	return nil
}
