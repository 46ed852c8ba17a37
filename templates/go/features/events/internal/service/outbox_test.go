package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	amqp "github.com/rabbitmq/amqp091-go"
)

// The outbox's guarantees, each against the real PostgreSQL and RabbitMQ:
// an event exists only if the change that caused it committed; a relay that
// dies between the broker's confirm and its own commit publishes the row
// again and the consumer applies it once; relays running side by side never
// publish a row twice.

// connectedLink is a broker link of the test's own, connected (and the
// test's exchange and queues declared) before it returns.
func connectedLink(t *testing.T, cfg Config) *brokerLink {
	t.Helper()
	link := newBrokerLink("test", cfg, NewLogger(io.Discard, slog.LevelInfo, "test"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		link.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	eventually(t, 15*time.Second, func() error {
		if !link.connected() {
			return errors.New("not connected to the broker")
		}
		return nil
	})
	return link
}

// observe binds a queue of the test's own to every event on the exchange.
func observe(t *testing.T, cfg Config) (*amqp.Channel, string) {
	t.Helper()
	conn, err := amqp.Dial(cfg.AMQPURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err == nil {
		err = ch.QueueBind(q.Name, "#", cfg.EventsExchange, false, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return ch, q.Name
}

// drain reads what has arrived on queue until nothing more comes for a while.
func drain(t *testing.T, ch *amqp.Channel, queue string, want int) []amqp.Delivery {
	t.Helper()
	var got []amqp.Delivery
	quiet := time.Now()
	for time.Since(quiet) < 500*time.Millisecond || (len(got) < want && time.Since(quiet) < 15*time.Second) {
		m, ok, err := ch.Get(queue, true)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			got = append(got, m)
			quiet = time.Now()
			continue
		}
		time.Sleep(20 * time.Millisecond)
	}
	return got
}

func count(t *testing.T, db *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAnEventExistsOnlyIfItsChangeCommitted(t *testing.T) {
	cfg := withTestBroker(t, testConfig())
	db := openTestDatabase(t, inSchema(t, testDatabaseURL(t)))
	ctx := context.Background()
	// The commit itself fails, after both the item and its outbox row were written.
	_, err := db.Exec(ctx, `
		CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'commit refused by the test'; END $$;
		CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON outbox
		DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit();`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newItemStore(db, testSource).create(ctx, "Widget", nil); err == nil {
		t.Fatal("create succeeded although its transaction could not commit")
	}
	if items, rows := count(t, db, `SELECT count(*) FROM items`), count(t, db, `SELECT count(*) FROM outbox`); items != 0 || rows != 0 {
		t.Fatalf("%d items and %d outbox rows left by a failed transaction, want none", items, rows)
	}
	link := connectedLink(t, cfg) // declares the exchange
	ch, queue := observe(t, cfg)
	r := &relay{db: db, link: link, exchange: cfg.EventsExchange, logger: NewLogger(io.Discard, slog.LevelInfo, "test"), metrics: newEventMetrics()}
	if n, err := r.publishBatch(ctx, r.confirmChannel()); n != 0 || err != nil {
		t.Fatalf("publishBatch = %d, %v; want nothing to publish", n, err)
	}
	if got := drain(t, ch, queue, 0); len(got) != 0 {
		t.Fatalf("%d events published for a change that rolled back", len(got))
	}
}

func TestARelayThatDiesBeforeMarkingPublishesAgainAndTheConsumerAppliesItOnce(t *testing.T) {
	e := newEventsTest(t, 5)
	ctx := context.Background()
	item := decode[Item](t, e.do(t, "POST", "/v1/items", `{"name":"Widget"}`, nil))
	e.next(t, eventItemCreated)

	// A rejection as a downstream service's relay writes it: into an outbox,
	// published by a relay, then published again because that relay died
	// after the broker's confirm and before its commit (published_at reset).
	rejectionID := newID()
	err := pgx.BeginFunc(ctx, e.db, func(tx pgx.Tx) error {
		return enqueueWithID(ctx, tx, rejectionID, eventItemRejected, item.ID, itemRejectedData{ItemID: item.ID, Reason: "no price for it"})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.waitForMetric(t, "consumer_processed_total", 1)
	if _, err := e.db.Exec(ctx, `UPDATE outbox SET published_at = NULL WHERE id = $1`, rejectionID); err != nil {
		t.Fatal(err)
	}
	e.waitForMetric(t, "consumer_processed_total", 2)
	if got := e.metric(t, "consumer_duplicates_total"); got != 1 {
		t.Fatalf("consumer_duplicates_total = %v, want 1: the second delivery is the same event", got)
	}
	if n := count(t, e.db, `SELECT count(*) FROM outbox WHERE type = $1 AND event->>'subject' = $2`, eventItemWithdrawn, item.ID); n != 1 {
		t.Fatalf("%d item.withdrawn.v1 events for one rejection delivered twice, want 1", n)
	}
	if n := count(t, e.db, `SELECT count(*) FROM processed_events WHERE event_id = $1`, rejectionID); n != 1 {
		t.Fatalf("the rejection is recorded %d times in processed_events, want 1", n)
	}
}

// enqueueWithID writes an event with a chosen id to the outbox, as another
// service's relay would publish it.
func enqueueWithID(ctx context.Context, tx pgx.Tx, id, eventType, subject string, data any) error {
	if err := enqueue(ctx, tx, testSource, eventType, subject, data); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		UPDATE outbox SET id = $1::uuid, event = jsonb_set(event, '{id}', to_jsonb($1::text))
		WHERE id = (SELECT id FROM outbox WHERE type = $2 AND event->>'subject' = $3 ORDER BY created_at DESC LIMIT 1)`,
		id, eventType, subject)
	return err
}

func TestRelaysSideBySidePublishEachRowOnce(t *testing.T) {
	cfg := withTestBroker(t, testConfig())
	db := openTestDatabase(t, inSchema(t, testDatabaseURL(t)))
	ctx := context.Background()
	const rows = 300
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for i := range rows {
			if err := enqueue(ctx, tx, testSource, eventItemCreated, fmt.Sprint(i), map[string]int{"n": i}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	links := []*brokerLink{connectedLink(t, cfg), connectedLink(t, cfg)} // each relay on its own connection
	ch, queue := observe(t, cfg)

	var wg sync.WaitGroup
	failures := make(chan error, 2)
	start := make(chan struct{}) // both relays take their first batch at the same moment
	for _, link := range links {
		r := &relay{db: db, link: link, exchange: cfg.EventsExchange, logger: NewLogger(io.Discard, slog.LevelInfo, "test"), metrics: newEventMetrics()}
		channel := r.confirmChannel()
		wg.Go(func() {
			<-start
			for count(t, db, `SELECT count(*) FROM outbox WHERE published_at IS NULL`) > 0 {
				if _, err := r.publishBatch(ctx, channel); err != nil {
					failures <- err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Fatal(err)
	}
	got := drain(t, ch, queue, rows)
	seen := map[string]int{}
	for _, m := range got {
		seen[m.MessageId]++
	}
	if len(got) != rows || len(seen) != rows {
		t.Fatalf("%d messages with %d distinct ids for %d rows: a row was published twice or not at all", len(got), len(seen), rows)
	}
}
