package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestEventsBench is the hook bench/ runs: skipped unless EVENTS_BENCH names
// a number of events, e.g.
//
//	EVENTS_BENCH=2000 go test -run TestEventsBench -v ./internal/service/
//
// It pushes that many item.created.v1 events through each path with 16 in
// flight, against the PostgreSQL at DATABASE_URL and the RabbitMQ at
// AMQP_URL, timing each from the start of its create call to a consumer
// receiving it, and prints one EVENTS_BENCH line per path: "outbox" (the
// item and its outbox row in one transaction, the real relay) and "direct"
// (the same insert, then the event published from the handler with a
// publisher confirm).
func TestEventsBench(t *testing.T) {
	events, _ := strconv.Atoi(os.Getenv("EVENTS_BENCH"))
	if events <= 0 {
		t.Skip("set EVENTS_BENCH to a number of events to run the benchmark")
	}
	cfg := withTestBroker(t, testConfig())
	db := openTestDatabase(t, inSchema(t, testDatabaseURL(t)))
	link := connectedLink(t, cfg)
	logger := NewLogger(io.Discard, slog.LevelInfo, "bench")
	ctx := context.Background()

	// The bench's consumer notes when each item's event arrives.
	var mu sync.Mutex
	received := map[string]time.Time{}
	ch, queue := observe(t, cfg)
	deliveries, err := ch.Consume(queue, "", true, true, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for d := range deliveries {
			var event cloudEvent
			if json.Unmarshal(d.Body, &event) == nil && event.Type == eventItemCreated {
				mu.Lock()
				received[event.Subject] = time.Now()
				mu.Unlock()
			}
		}
	}()

	measure := func(path string, create func() (string, error)) string {
		started := make(map[string]time.Time, events)
		var startedMu sync.Mutex
		var next atomic.Int64
		begin := time.Now()
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for next.Add(1) <= int64(events) {
					at := time.Now()
					id, err := create()
					if err != nil {
						t.Error(err)
						return
					}
					startedMu.Lock()
					started[id] = at
					startedMu.Unlock()
				}
			})
		}
		wg.Wait()
		eventually(t, 2*time.Minute, func() error {
			mu.Lock()
			defer mu.Unlock()
			for id := range started {
				if _, ok := received[id]; !ok {
					return fmt.Errorf("%s: not every event has arrived", path)
				}
			}
			return nil
		})
		mu.Lock()
		defer mu.Unlock()
		var last time.Time
		latencies := make([]float64, 0, len(started))
		for id, at := range started {
			arrived := received[id]
			if arrived.After(last) {
				last = arrived
			}
			latencies = append(latencies, float64(arrived.Sub(at).Microseconds())/1000)
		}
		slices.Sort(latencies)
		p99 := latencies[int(math.Ceil(float64(len(latencies))*0.99))-1]
		seconds := last.Sub(begin).Seconds()
		line, _ := json.Marshal(map[string]any{
			"path": path, "events": events, "seconds": math.Round(seconds*1000) / 1000,
			"perSecond": math.Round(float64(events)/seconds*10) / 10, "p99Ms": math.Round(p99*10) / 10,
		})
		return "EVENTS_BENCH " + string(line)
	}

	// outbox: the service's own create, the real relay publishing.
	relayCtx, stopRelay := context.WithCancel(ctx)
	relayDone := make(chan struct{})
	r := &relay{db: db, link: link, exchange: cfg.EventsExchange, logger: logger, metrics: newEventMetrics()}
	go func() {
		defer close(relayDone)
		r.run(relayCtx)
	}()
	items := newItemStore(db, testSource)
	outbox := measure("outbox", func() (string, error) {
		item, err := items.create(ctx, "bench", nil)
		return item.ID, err
	})
	stopRelay()
	<-relayDone

	// direct: the same insert, then a confirmed publish from the handler.
	conn, _ := link.current()
	var channels sync.Pool
	channels.New = func() any {
		c, err := conn.Channel()
		if err == nil {
			err = c.Confirm(false)
		}
		if err != nil {
			t.Error(err)
			return nil
		}
		return c
	}
	direct := measure("direct", func() (string, error) {
		id := newID()
		var createdAt time.Time
		if err := db.QueryRow(ctx, `INSERT INTO items (id, name) VALUES ($1, 'bench') RETURNING created_at`, id).Scan(&createdAt); err != nil {
			return "", err
		}
		data, _ := json.Marshal(itemCreatedData{ID: id, Name: "bench", CreatedAt: createdAt.UTC()})
		body, _ := json.Marshal(cloudEvent{SpecVersion: "1.0", ID: newID(), Source: testSource, Type: eventItemCreated, Subject: id, Time: time.Now().UTC(), DataContentType: "application/json", Data: data})
		c, _ := channels.Get().(*amqp.Channel)
		if c == nil {
			return "", fmt.Errorf("no confirm channel")
		}
		defer channels.Put(c)
		confirm, err := c.PublishWithDeferredConfirmWithContext(ctx, cfg.EventsExchange, eventItemCreated, false, false, amqp.Publishing{
			ContentType: cloudEventsContentType, DeliveryMode: amqp.Persistent, MessageId: id, Type: eventItemCreated, Body: body,
		})
		if err != nil {
			return "", err
		}
		if acked, err := confirm.WaitContext(ctx); err != nil || !acked {
			return "", fmt.Errorf("publish not confirmed: %v", err)
		}
		return id, nil
	})
	fmt.Printf("%s\n%s\n", outbox, direct)
}
