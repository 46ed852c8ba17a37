package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	amqp "github.com/rabbitmq/amqp091-go"
)

// testSource is the events' source in tests.
const testSource = "/test-team/test-service"

// testBrokerURL is the RabbitMQ named by AMQP_URL (CI starts one).
func testBrokerURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("AMQP_URL")
	if url == "" {
		t.Fatal("AMQP_URL is not set: the tests need a RabbitMQ, e.g. AMQP_URL=amqp://guest:guest@localhost:5672 go test ./... (README.md)")
	}
	return url
}

// withTestBroker points cfg at the test broker, with an exchange and queues
// of the test's own, deleted when the test ends.
func withTestBroker(t testing.TB, cfg Config) Config {
	t.Helper()
	cfg.AMQPURL = testBrokerURL(t)
	name := "test-" + newID()
	cfg.EventsExchange, cfg.EventsQueue = name, name
	if cfg.EventsMaxAttempts == 0 {
		cfg.EventsMaxAttempts = 5
	}
	t.Cleanup(func() {
		conn, err := amqp.Dial(cfg.AMQPURL)
		if err != nil {
			t.Errorf("deleting the test's queues: %v", err)
			return
		}
		defer conn.Close()
		ch, err := conn.Channel()
		if err != nil {
			t.Errorf("deleting the test's queues: %v", err)
			return
		}
		for _, queue := range []string{cfg.EventsQueue, cfg.EventsQueue + ".dead-letter"} {
			_, _ = ch.QueueDelete(queue, false, false, false)
		}
		_ = ch.ExchangeDelete(cfg.EventsExchange, false, false)
	})
	return cfg
}

// startTestEventBus runs an event bus until the test ends, once it is
// connected.
func startTestEventBus(t testing.TB, cfg Config, db *pgxpool.Pool, logger *slog.Logger) *eventBus {
	t.Helper()
	bus := newEventBus(cfg, logger, db, testSource)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		bus.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	eventually(t, 15*time.Second, func() error { return bus.connected(ctx) })
	return bus
}

// eventually retries check until it passes or timeout has passed.
func eventually(t testing.TB, timeout time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %v", timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// eventsTest is a service with its own schema, exchange and queues, its
// event bus running, and a connection of the test's own that sees every
// event published to the exchange.
type eventsTest struct {
	*testService
	cfg      Config
	db       *pgxpool.Pool
	ch       *amqp.Channel
	observed string // the test's queue, bound to every routing key
}

func newEventsTest(t *testing.T, maxAttempts int) *eventsTest {
	t.Helper()
	cfg := testConfig()
	cfg.EventsMaxAttempts = maxAttempts
	cfg = withTestBroker(t, cfg)
	db := openTestDatabase(t, inSchema(t, testDatabaseURL(t)))
	logs := &syncBuffer{}
	logger := NewLogger(logs, slog.LevelDebug, cfg.ServiceName)
	server := NewServer(cfg, logger, db, startTestEventBus(t, cfg, db, logger))
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)

	ch, observed := observe(t, cfg)
	return &eventsTest{testService: &testService{Server: server, url: srv.URL, logs: logs}, cfg: cfg, db: db, ch: ch, observed: observed}
}

// next returns the next message published to the exchange with that
// routing key, skipping others.
func (e *eventsTest) next(t *testing.T, routingKey string) amqp.Delivery {
	t.Helper()
	var message amqp.Delivery
	eventually(t, 10*time.Second, func() error {
		m, ok, err := e.ch.Get(e.observed, true)
		if err != nil || !ok || m.RoutingKey != routingKey {
			return fmt.Errorf("no %s event published (%v)", routingKey, err)
		}
		message = m
		return nil
	})
	return message
}

// publish sends a message to the exchange as another service would.
func (e *eventsTest) publish(t *testing.T, routingKey string, body []byte, headers amqp.Table) {
	t.Helper()
	err := e.ch.PublishWithContext(context.Background(), e.cfg.EventsExchange, routingKey, false, false, amqp.Publishing{
		ContentType: cloudEventsContentType, DeliveryMode: amqp.Persistent, Headers: headers, Body: body,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rejection is an item.rejected.v1 event from a downstream service.
func rejection(t *testing.T, id, itemID, reason string) []byte {
	t.Helper()
	data, _ := json.Marshal(itemRejectedData{ItemID: itemID, Reason: reason})
	body, err := json.Marshal(cloudEvent{SpecVersion: "1.0", ID: id, Source: "/pricing/prices", Type: eventItemRejected, Subject: itemID, Time: time.Now().UTC(), DataContentType: "application/json", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// metric reads a metric of the service's own from /metrics.
func (e *eventsTest) metric(t *testing.T, name string) float64 {
	t.Helper()
	r := e.do(t, "GET", "/metrics", "", nil)
	match := regexp.MustCompile(`(?m)^` + name + `\{service="test-service"\} (\S+)$`).FindSubmatch(r.body)
	if match == nil {
		t.Fatalf("/metrics has no %s:\n%s", name, r.body)
	}
	value, err := strconv.ParseFloat(string(match[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return value
}

func (e *eventsTest) waitForMetric(t *testing.T, name string, want float64) {
	t.Helper()
	eventually(t, 10*time.Second, func() error {
		if got := e.metric(t, name); got != want {
			return fmt.Errorf("%s = %v, want %v", name, got, want)
		}
		return nil
	})
}

const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func TestCreatingAnItemPublishesItemCreated(t *testing.T) {
	e := newEventsTest(t, 5)
	created := e.do(t, "POST", "/v1/items", `{"name":"Widget"}`, map[string]string{"traceparent": traceparent})
	if created.status != http.StatusCreated {
		t.Fatalf("POST = %d %s", created.status, created.body)
	}
	item := decode[Item](t, created)
	if item.Status != itemActive {
		t.Fatalf("a new item's status is %q", item.Status)
	}

	m := e.next(t, eventItemCreated)
	var event cloudEvent
	if err := json.Unmarshal(m.Body, &event); err != nil {
		t.Fatalf("body %s: %v", m.Body, err)
	}
	if m.RoutingKey != eventItemCreated || m.Type != eventItemCreated || m.ContentType != cloudEventsContentType ||
		m.DeliveryMode != amqp.Persistent || m.MessageId != event.ID || !isUUID(event.ID) {
		t.Fatalf("message properties: key %q type %q content type %q delivery mode %d message id %q (event id %q)",
			m.RoutingKey, m.Type, m.ContentType, m.DeliveryMode, m.MessageId, event.ID)
	}
	if event.SpecVersion != "1.0" || event.Source != testSource || event.Type != eventItemCreated || event.Subject != item.ID ||
		event.DataContentType != "application/json" || time.Since(event.Time) > time.Minute {
		t.Fatalf("event attributes: %s", m.Body)
	}
	var data itemCreatedData
	if err := json.Unmarshal(event.Data, &data); err != nil || data.ID != item.ID || data.Name != "Widget" || data.Description != nil || !data.CreatedAt.Equal(item.CreatedAt) {
		t.Fatalf("event data %s (item %+v): %v", event.Data, item, err)
	}
	if fields := decode[map[string]any](t, response{body: event.Data}); len(fields) != 4 || fields["description"] != nil {
		t.Fatalf("description must be null, not missing: %s", event.Data)
	}
	if got, _ := m.Headers["traceparent"].(string); !strings.HasPrefix(got, "00-4bf92f3577b34da6a3ce929d0e0e4736-") {
		t.Fatalf("traceparent header %q does not continue the request's trace", got)
	}

	e.waitForMetric(t, "outbox_published_total", 1)
	e.waitForMetric(t, "outbox_pending_events", 0)
	e.waitForMetric(t, "outbox_oldest_pending_age_seconds", 0)
	var published bool
	if err := e.db.QueryRow(context.Background(), `SELECT published_at IS NOT NULL FROM outbox WHERE id = $1`, event.ID).Scan(&published); err != nil || !published {
		t.Fatalf("outbox row published: %v, %v", published, err)
	}
}

func TestARejectedItemIsWithdrawnOnce(t *testing.T) {
	e := newEventsTest(t, 5)
	item := decode[Item](t, e.do(t, "POST", "/v1/items", `{"name":"Widget"}`, nil))
	e.next(t, eventItemCreated)

	rejected := rejection(t, newID(), item.ID, "no price for it")
	producer := "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	e.publish(t, eventItemRejected, rejected, amqp.Table{"traceparent": producer})
	e.publish(t, eventItemRejected, rejected, amqp.Table{"traceparent": producer}) // delivered twice
	e.publish(t, eventItemRejected, rejection(t, newID(), newID(), "unknown item"), nil)
	e.waitForMetric(t, "consumer_processed_total", 3)
	if got := e.metric(t, "consumer_duplicates_total"); got != 1 {
		t.Fatalf("consumer_duplicates_total = %v, want 1", got)
	}

	got := decode[Item](t, e.do(t, "GET", "/v1/items/"+item.ID, "", nil))
	if got.Status != itemWithdrawn {
		t.Fatalf("status %q after the rejection, want withdrawn", got.Status)
	}
	m := e.next(t, eventItemWithdrawn)
	var event cloudEvent
	_ = json.Unmarshal(m.Body, &event)
	var data itemWithdrawnData
	if err := json.Unmarshal(event.Data, &data); err != nil || m.RoutingKey != eventItemWithdrawn || event.Subject != item.ID ||
		data != (itemWithdrawnData{ID: item.ID, Reason: "no price for it"}) {
		t.Fatalf("want item.withdrawn.v1 for the item, got %s: %s", m.RoutingKey, m.Body)
	}
	if got, _ := m.Headers["traceparent"].(string); !strings.HasPrefix(got, "00-0af7651916cd43dd8448eb211c80319c-") {
		t.Fatalf("traceparent header %q does not continue the rejection's trace", got)
	}
	var withdrawals int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE type = $1`, eventItemWithdrawn).Scan(&withdrawals); err != nil || withdrawals != 1 {
		t.Fatalf("%d item.withdrawn.v1 events in the outbox (%v), want 1", withdrawals, err)
	}
}

func TestAMessageThatCannotBeHandledIsDeadLettered(t *testing.T) {
	e := newEventsTest(t, 3)
	e.publish(t, eventItemRejected, []byte("not JSON"), nil)
	e.publish(t, eventItemRejected, rejection(t, newID(), "not-a-uuid", "breaks the schema"), nil)
	e.waitForMetric(t, "consumer_dead_lettered_total", 2)
	if got := e.metric(t, "consumer_redeliveries_total"); got != 4 {
		t.Fatalf("consumer_redeliveries_total = %v, want 4 (two messages, three deliveries each)", got)
	}
	if got := e.metric(t, "consumer_processed_total"); got != 0 {
		t.Fatalf("consumer_processed_total = %v, want 0", got)
	}
	var bodies []string
	eventually(t, 10*time.Second, func() error {
		m, ok, err := e.ch.Get(e.cfg.EventsQueue+".dead-letter", true)
		if ok {
			bodies = append(bodies, string(m.Body))
		}
		if len(bodies) < 2 {
			return fmt.Errorf("%d messages in the dead-letter queue (%v)", len(bodies), err)
		}
		return nil
	})
	if bodies[0] != "not JSON" || !strings.Contains(bodies[1], "breaks the schema") {
		t.Fatalf("dead letters %q", bodies)
	}
}

func TestTheRelayRetriesWhatTheBrokerDidNotTake(t *testing.T) {
	cfg := withTestBroker(t, testConfig())
	db := openTestDatabase(t, inSchema(t, testDatabaseURL(t)))
	logger := NewLogger(io.Discard, slog.LevelInfo, "test")
	if _, err := newItemStore(db, testSource).create(context.Background(), "Widget", nil); err != nil {
		t.Fatal(err)
	}
	link := newBrokerLink("publisher", cfg, logger)
	ctx, cancel := context.WithCancel(context.Background())
	go link.run(ctx)
	t.Cleanup(cancel)
	eventually(t, 15*time.Second, func() error {
		if !link.connected() {
			return fmt.Errorf("not connected")
		}
		return nil
	})

	// An exchange that does not exist: the broker closes the channel.
	r := &relay{db: db, link: link, exchange: cfg.EventsExchange + "-missing", logger: logger, metrics: newEventMetrics()}
	if n, err := r.publishBatch(ctx, r.confirmChannel()); n != 1 || err != nil {
		t.Fatalf("publishBatch = %d, %v; want the one row tried", n, err)
	}
	var attempts int
	var wait time.Duration
	var lastError *string
	err := db.QueryRow(ctx, `SELECT attempts, next_attempt_at - now(), last_error FROM outbox WHERE published_at IS NULL`).Scan(&attempts, &wait, &lastError)
	if err != nil || attempts != 1 || wait < retryMin/2 || wait > retryMin || lastError == nil {
		t.Fatalf("after a failure: attempts %d, next attempt in %s, last error %v (%v)", attempts, wait, lastError, err)
	}
	if n, err := r.publishBatch(ctx, r.confirmChannel()); n != 0 || err != nil {
		t.Fatalf("publishBatch = %d, %v before the row is due again, want 0", n, err)
	}

	r.exchange = cfg.EventsExchange
	if _, err := db.Exec(ctx, `UPDATE outbox SET next_attempt_at = now()`); err != nil {
		t.Fatal(err)
	}
	if n, err := r.publishBatch(ctx, r.confirmChannel()); n != 1 || err != nil {
		t.Fatalf("publishBatch = %d, %v once the exchange is right", n, err)
	}
	var pending int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE published_at IS NULL`).Scan(&pending); err != nil || pending != 0 {
		t.Fatalf("%d rows left to publish (%v)", pending, err)
	}
}

func TestReadinessFollowsTheBroker(t *testing.T) {
	cfg := withTestBroker(t, testConfig())
	db := testDatabase(t)
	logger := NewLogger(io.Discard, slog.LevelInfo, "test")
	// Not running, so never connected.
	ts := &testService{Server: NewServer(cfg, logger, db, newEventBus(cfg, logger, db, testSource))}
	srv := httptest.NewServer(ts.Handler())
	t.Cleanup(srv.Close)
	ts.url = srv.URL
	r := ts.do(t, "GET", "/readyz", "", nil)
	got := decode[readiness](t, r)
	if r.status != http.StatusServiceUnavailable || got.Checks["broker"] != "failed" || got.Checks["database"] != "ok" {
		t.Fatalf("/readyz without the broker = %d %s", r.status, r.body)
	}

	connected := newTestService(t)
	r = connected.do(t, "GET", "/readyz", "", nil)
	if got := decode[readiness](t, r); r.status != http.StatusOK || got.Checks["broker"] != "ok" || got.Checks["database"] != "ok" {
		t.Fatalf("/readyz with the broker = %d %s", r.status, r.body)
	}
}

func TestBackoffDoublesUpToItsCap(t *testing.T) {
	var got []time.Duration
	for failures := range 7 {
		got = append(got, backoff(failures, retryMin, retryMax))
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("backoff = %v, want %v", got, want)
	}
}
