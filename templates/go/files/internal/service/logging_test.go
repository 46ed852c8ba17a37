package service

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// slowPath hides the handler's type from logRequest, so it formats the line
// through slog.
type slowPath struct{ slog.Handler }

// The request line written by logRequest's fast path must be byte for byte
// the line slog's JSON handler writes for the same record.
func TestRequestLogFastPathMatchesSlog(t *testing.T) {
	var printable strings.Builder
	for c := byte(0x20); c <= 0x7e; c++ {
		if c != '"' && c != '\\' {
			printable.WriteByte(c)
		}
	}
	traced := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:  trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
	})
	cases := []requestLog{
		{requestID: "abc", method: "GET", route: "/v1/items/{id}", path: "/v1/items/1", status: 200, elapsed: 1234567 * time.Nanosecond},
		{requestID: "x", method: "POST", route: "/v1/items", path: "/v1/items", status: 201, elapsed: 0},
		{requestID: "x", method: "GET", route: "unmatched", path: "/" + printable.String(), status: 404, elapsed: 3 * time.Second, span: traced},
		{requestID: "x", method: "GET", route: "/healthz", path: "/healthz", status: 200, elapsed: 999 * time.Microsecond},
		{requestID: "x", method: "GET", route: "/healthz", path: "/healthz", status: 503, elapsed: 1500 * time.Hour},
		// These need escaping: slog writes them (the fast path steps aside).
		{requestID: "x", method: "GET", route: "unmatched", path: "/a\"b\\c\n\x01é\xff", status: 404, elapsed: time.Millisecond},
	}
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelError} {
		for _, c := range cases {
			var fast, slow bytes.Buffer
			fastHandler := NewLogger(&fast, slog.LevelDebug, "orders").Handler()
			slowHandler := slowPath{NewLogger(&slow, slog.LevelDebug, "orders").Handler()}
			logRequest(context.Background(), fastHandler, level, time.Now(), c)
			logRequest(context.Background(), slowHandler, level, time.Now(), c)
			// The lines differ in their time only; put slog's time in the fast line.
			fastLine, slowLine := fast.String(), slow.String()
			if i, j := strings.Index(fastLine, `","level"`), strings.Index(slowLine, `","level"`); i > 0 && j > 0 {
				fastLine = slowLine[:j] + fastLine[i:]
			}
			if fastLine != slowLine {
				t.Errorf("level %v, %+v:\nfast %s\nslog %s", level, c, fastLine, slowLine)
			}
		}
	}
}

func TestRequestLogRespectsTheLevel(t *testing.T) {
	var out bytes.Buffer
	h := NewLogger(&out, slog.LevelWarn, "orders").Handler()
	logRequest(context.Background(), h, slog.LevelInfo, time.Now(), requestLog{requestID: "x", method: "GET", route: "/", path: "/", status: 200})
	if out.Len() != 0 {
		t.Fatalf("an info line at LOG_LEVEL=warn: %s", out.String())
	}
}

func TestValidRequestID(t *testing.T) {
	for id, want := range map[string]bool{
		"trace-abc_123": true, "a.b:c": true, strings.Repeat("a", 128): true,
		"": false, strings.Repeat("a", 129): false, "has space": false, `"},{"level":"error`: false, "é": false, "a/b": false,
	} {
		if got := validRequestID(id); got != want {
			t.Errorf("validRequestID(%q) = %v, want %v", id, got, want)
		}
	}
}
