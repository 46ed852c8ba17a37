package service

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace/noop"
)

// otlpReceiver is a minimal OTLP/HTTP collector: it keeps what it is sent.
type otlpReceiver struct {
	mu       sync.Mutex
	requests []recordedExport
}

type recordedExport struct {
	path, contentType string
	body              []byte
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	o.mu.Lock()
	o.requests = append(o.requests, recordedExport{r.URL.Path, r.Header.Get("Content-Type"), body})
	o.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

func TestTracesAreExportedWhenAnEndpointIsSet(t *testing.T) {
	receiver := &otlpReceiver{}
	collector := httptest.NewServer(receiver)
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })

	cfg, err := LoadConfig(os.Getenv, "traced-service", 8080)
	if err != nil || !cfg.TracingEnabled() {
		t.Fatalf("tracing should be enabled: %+v %v", cfg, err)
	}
	shutdown, err := setupTracing(context.Background(), cfg)
	if err != nil {
		t.Fatalf("setupTracing: %v", err)
	}
	if !tracingOn() {
		t.Fatal("the middleware would not start spans")
	}

	// The probe below succeeds: only ACCESS_LOG=all gives it an access line.
	ts := newTestServiceWith(t, withAccessLog(AccessLogAll))
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	ts.do(t, "GET", "/healthz", "", map[string]string{"traceparent": "00-" + traceID + "-00f067aa0ba902b7-01"})

	// The request log carries the caller's trace id, tying logs to traces.
	var logged bool
	for _, entry := range ts.logs.lines(t) {
		if entry["msg"] == "request completed" && entry["traceId"] == traceID {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no request log line with traceId %s", traceID)
	}

	if err := shutdown(context.Background()); err != nil {
		t.Fatalf("flushing spans: %v", err)
	}
	receiver.mu.Lock()
	defer receiver.mu.Unlock()
	if len(receiver.requests) == 0 {
		t.Fatal("the collector received nothing")
	}
	export := receiver.requests[0]
	if export.path != "/v1/traces" || export.contentType != "application/x-protobuf" {
		t.Fatalf("unexpected export %s %s", export.path, export.contentType)
	}
	rawID, _ := hex.DecodeString(traceID)
	for _, want := range [][]byte{rawID, []byte("GET /healthz"), []byte("traced-service")} {
		if !bytes.Contains(export.body, want) {
			t.Errorf("exported spans lack %q", want)
		}
	}
}

func TestTracingOffInstallsNothing(t *testing.T) {
	before := otel.GetTracerProvider()
	shutdown, err := setupTracing(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if otel.GetTracerProvider() != before {
		t.Fatal("a tracer provider was installed with tracing off")
	}
	if tracingOn() {
		t.Fatal("the middleware would start spans with tracing off")
	}
}

// With tracing off, a caller's trace context still reaches the request's
// context (and so its access line), though the middleware only asks the
// propagator to look for it when one of its headers is there.
func TestCallerTraceContextIsKeptWithTracingOff(t *testing.T) {
	if _, err := setupTracing(context.Background(), Config{}); err != nil {
		t.Fatal(err)
	}
	if tracingOn() {
		t.Skip("another test left a recording tracer provider installed")
	}
	ts := newTestService(t)
	const traceID, spanID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	ts.do(t, "GET", "/v1/items/missing", "", map[string]string{
		"X-Request-Id": "with-trace", "traceparent": "00-" + traceID + "-" + spanID + "-01",
	})
	ts.do(t, "GET", "/v1/items/missing", "", map[string]string{"X-Request-Id": "without-trace"})

	with, without := ts.accessLines(t, "with-trace"), ts.accessLines(t, "without-trace")
	if len(with) != 1 || with[0]["traceId"] != traceID || with[0]["spanId"] != spanID {
		t.Errorf("the caller's trace context is not in the access line: %v", with)
	}
	if len(without) != 1 || without[0]["traceId"] != nil {
		t.Errorf("want one access line without a trace id: %v", without)
	}
}

func TestPropagationHeaders(t *testing.T) {
	if got := propagationHeaders(propagation.NewCompositeTextMapPropagator()); got != nil {
		t.Errorf("a propagator with no fields: %q, want nil (always extract)", got)
	}
	names := propagationHeaders(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	for _, tc := range []struct {
		header http.Header
		want   bool
	}{
		{http.Header{}, false},
		{http.Header{"X-Request-Id": {"a"}, "Accept": {"*/*"}}, false},
		{http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}, true},
		{http.Header{"Tracestate": {"a=b"}}, true},
		{http.Header{"Baggage": {"k=v"}}, true},
	} {
		if got := hasAnyHeader(tc.header, names); got != tc.want {
			t.Errorf("hasAnyHeader(%v, %q) = %v, want %v", tc.header, names, got, tc.want)
		}
	}
}
