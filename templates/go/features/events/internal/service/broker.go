package service

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

const (
	// brokerConnectTimeout bounds one attempt to reach the broker.
	brokerConnectTimeout = 5 * time.Second
	// A lost connection is dialled again after reconnectMin, doubling up to
	// reconnectMax while the broker stays away.
	reconnectMin = 500 * time.Millisecond
	reconnectMax = 30 * time.Second
)

// brokerLink keeps one connection to the broker open: it dials, declares
// the topology, and dials again with backoff whenever the connection is
// lost, until its context ends. The relay and the consumer each have one,
// as RabbitMQ advises: a publisher the broker slows down (flow control)
// does not hold up consuming.
type brokerLink struct {
	name   string // "publisher" or "consumer": in logs and the broker's connection list
	cfg    Config
	logger *slog.Logger

	mu      sync.Mutex
	conn    *amqp.Connection // nil while there is none
	changed chan struct{}    // closed (and replaced) when conn changes
}

func newBrokerLink(name string, cfg Config, logger *slog.Logger) *brokerLink {
	return &brokerLink{name: name, cfg: cfg, logger: logger.With("connection", name), changed: make(chan struct{})}
}

// current returns the open connection, or nil, and a channel that is
// closed when that changes.
func (l *brokerLink) current() (*amqp.Connection, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conn, l.changed
}

// connected reports whether the link has an open connection.
func (l *brokerLink) connected() bool {
	conn, _ := l.current()
	return conn != nil && !conn.IsClosed()
}

func (l *brokerLink) set(conn *amqp.Connection) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conn = conn
	close(l.changed)
	l.changed = make(chan struct{})
}

// run keeps the link connected until ctx ends, then closes the connection.
func (l *brokerLink) run(ctx context.Context) {
	for failures := 0; ctx.Err() == nil; {
		conn, err := l.connect()
		if err != nil {
			delay := backoff(failures, reconnectMin, reconnectMax)
			failures++
			l.logger.Warn("broker unavailable", "error", err.Error(), "retryInMs", delay.Milliseconds())
			sleep(ctx, delay)
			continue
		}
		failures = 0
		lost := conn.NotifyClose(make(chan *amqp.Error, 1))
		l.set(conn)
		l.logger.Info("broker connected")
		select {
		case err := <-lost:
			l.logger.Warn("broker connection lost", "error", fmt.Sprint(err))
		case <-ctx.Done():
		}
		l.set(nil)
		_ = conn.Close()
	}
}

// connect dials the broker and declares what this service needs there.
func (l *brokerLink) connect() (*amqp.Connection, error) {
	conn, err := amqp.DialConfig(l.cfg.AMQPURL, amqp.Config{
		Dial:       amqp.DefaultDial(brokerConnectTimeout),
		Properties: amqp.Table{"connection_name": l.cfg.ServiceName + " " + l.name},
	})
	if err != nil {
		return nil, err // the URL is not in the error: no password is logged
	}
	if err := declareTopology(conn, l.cfg); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("declaring the exchange and queues: %w", err)
	}
	return conn, nil
}

// declareTopology declares the exchange every service publishes to, this
// service's quorum queue (bound to the events it consumes) and its
// dead-letter queue. Declarations are idempotent: every replica makes them
// on every connection. A queue that exists with other arguments (say,
// another EVENTS_MAX_ATTEMPTS) is refused by the broker: see README.md.
func declareTopology(conn *amqp.Connection, cfg Config) error {
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := ch.ExchangeDeclare(cfg.EventsExchange, amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
		return err
	}
	deadLetters := cfg.EventsQueue + ".dead-letter"
	if _, err := ch.QueueDeclare(deadLetters, true, false, false, false, amqp.Table{
		amqp.QueueTypeArg: amqp.QueueTypeQuorum,
	}); err != nil {
		return err
	}
	if _, err := ch.QueueDeclare(cfg.EventsQueue, true, false, false, false, amqp.Table{
		amqp.QueueTypeArg:           amqp.QueueTypeQuorum,
		"x-delivery-limit":          cfg.EventsMaxAttempts,
		"x-dead-letter-exchange":    "",
		"x-dead-letter-routing-key": deadLetters,
	}); err != nil {
		return err
	}
	return ch.QueueBind(cfg.EventsQueue, eventItemRejected, cfg.EventsExchange, false, nil)
}

// backoff is the wait before the next try after failures failed ones:
// first, doubling each time, never more than most.
func backoff(failures int, first, most time.Duration) time.Duration {
	delay := first
	for range failures {
		if delay >= most/2 {
			return most
		}
		delay *= 2
	}
	return min(delay, most)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
