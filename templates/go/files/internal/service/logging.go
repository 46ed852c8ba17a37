package service

import (
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// NewLogger writes one JSON object per line, the shape log collectors parse
// without configuration. Levels are lower case to match the LOG_LEVEL values.
// w may be written to from several goroutines; NewLogger serializes that.
func NewLogger(w io.Writer, level slog.Level, service string) *slog.Logger {
	if _, safe := w.(*lineWriter); !safe {
		w = &lockedWriter{w: w}
	}
	handler := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.LevelKey {
				if lvl, ok := a.Value.Any().(slog.Level); ok {
					a.Value = slog.StringValue(levelName(lvl))
				}
			}
			return a
		},
	})
	h := &serviceHandler{
		Handler: handler.WithAttrs([]slog.Attr{slog.String("service", service)}),
		w:       w,
	}
	if plainJSONString(service) {
		h.service = service
	}
	return slog.New(h)
}

func levelName(l slog.Level) string {
	switch l {
	case slog.LevelDebug:
		return "debug"
	case slog.LevelInfo:
		return "info"
	case slog.LevelWarn:
		return "warn"
	case slog.LevelError:
		return "error"
	}
	return strings.ToLower(l.String()) // "debug-4", "error+4"
}

// lockedWriter makes one Write at a time reach w: slog's handler and the
// request log's fast path (logRequest) share it.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// serviceHandler is the handler NewLogger returns: slog's JSON handler, plus
// what logRequest needs to write the request line itself. Loggers derived
// with With or WithGroup get the plain JSON handler.
type serviceHandler struct {
	slog.Handler
	w       io.Writer // safe for concurrent use
	service string    // "" if it needs JSON escaping: no fast path then
}

// requestLog is the line logged when a request completes.
type requestLog struct {
	requestID, method, route, path string
	status                         int
	elapsed                        time.Duration
	span                           trace.SpanContext // logged when valid
}

// lineBuffers recycles the buffers logRequest formats lines in.
var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// logRequest logs the request line, at now (when the request completed).
//
// With ACCESS_LOG=all it is a line for every request (by default only the
// failed ones get it), and slog's JSON handler takes microseconds to format
// it (it handles any value, calls ReplaceAttr on every attribute and encodes
// floats with encoding/json): profiling put it at more than the rest of the
// middleware together. So when h is
// NewLogger's own and no string needs escaping (the usual case), logRequest
// writes the very bytes the handler would write; otherwise it hands the
// handler a record. TestRequestLogFastPathMatchesSlog holds the two to the
// same output: change them together.
func logRequest(ctx context.Context, h slog.Handler, level slog.Level, now time.Time, l requestLog) {
	if !h.Enabled(ctx, level) {
		return
	}
	durationMs := float64(l.elapsed.Microseconds()) / 1000
	if fast, ok := h.(*serviceHandler); ok && fast.service != "" && now.Year() >= 0 && now.Year() < 10000 &&
		plainJSONString(l.requestID) && plainJSONString(l.method) && plainJSONString(l.route) && plainJSONString(l.path) {
		bp := lineBuffers.Get().(*[]byte)
		b := append((*bp)[:0], `{"time":"`...)
		b = now.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"`...)
		b = append(b, levelName(level)...)
		b = append(b, `","msg":"request completed","service":"`...)
		b = append(b, fast.service...)
		b = append(b, `","requestId":"`...)
		b = append(b, l.requestID...)
		b = append(b, `","method":"`...)
		b = append(b, l.method...)
		b = append(b, `","route":"`...)
		b = append(b, l.route...)
		b = append(b, `","path":"`...)
		b = append(b, l.path...)
		b = append(b, `","statusCode":`...)
		b = strconv.AppendInt(b, int64(l.status), 10)
		b = append(b, `,"durationMs":`...)
		// encoding/json's format (slog's) for numbers from 1e-6 to 1e21, and 0.
		b = strconv.AppendFloat(b, durationMs, 'f', -1, 64)
		if l.span.IsValid() {
			traceID, spanID := l.span.TraceID(), l.span.SpanID()
			b = append(b, `,"traceId":"`...)
			b = hex.AppendEncode(b, traceID[:])
			b = append(b, `","spanId":"`...)
			b = hex.AppendEncode(b, spanID[:])
			b = append(b, '"')
		}
		b = append(b, "}\n"...)
		_, _ = fast.w.Write(b) // as with slog, a failed log write is not the request's problem
		if cap(b) <= 4<<10 {   // a line with a huge path is not worth keeping a buffer for
			*bp = b
			lineBuffers.Put(bp)
		}
		return
	}

	record := slog.NewRecord(now, level, "request completed", 0)
	record.AddAttrs(
		slog.String("requestId", l.requestID),
		slog.String("method", l.method),
		slog.String("route", l.route),
		slog.String("path", l.path),
		slog.Int("statusCode", l.status),
		slog.Float64("durationMs", durationMs),
	)
	if l.span.IsValid() {
		record.AddAttrs(slog.String("traceId", l.span.TraceID().String()), slog.String("spanId", l.span.SpanID().String()))
	}
	_ = h.Handle(ctx, record)
}

// plainJSONString reports whether s appears in JSON as it is: printable
// ASCII other than the quote and the backslash.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
