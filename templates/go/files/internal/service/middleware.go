package service

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

const requestIDHeader = "X-Request-Id"

type requestIDKey struct{}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Incoming ids are echoed into logs and headers, so only a safe alphabet is
// accepted; anything else gets a fresh id rather than being trusted.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// routeOf is the low-cardinality label for a request: the ServeMux pattern
// without its method ("/v1/items/{id}"), never the raw path.
func routeOf(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if _, path, found := strings.Cut(pattern, " "); found {
		return path
	}
	return pattern
}

// quietRoutes are polled by probes and scrapers every few seconds; their
// request lines are logged at debug so they do not drown the rest.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// muxErrorWriter turns the plain-text 404 and 405 answers of http.ServeMux
// into the service's JSON error body (keeping the Allow header of a 405).
type muxErrorWriter struct {
	http.ResponseWriter
	r        *http.Request
	replaced bool
}

func (m *muxErrorWriter) WriteHeader(status int) {
	switch status {
	case http.StatusNotFound:
		m.replaced = true
		writeError(m.ResponseWriter, m.r, status, codeNotFound, fmt.Sprintf("No route for %s %s.", m.r.Method, m.r.URL.Path), nil)
	case http.StatusMethodNotAllowed:
		m.replaced = true
		writeError(m.ResponseWriter, m.r, status, codeMethodNotAllowed,
			fmt.Sprintf("%s is not allowed on %s (allowed: %s).", m.r.Method, m.r.URL.Path, m.Header().Get("Allow")), nil)
	default:
		m.ResponseWriter.WriteHeader(status)
	}
}

func (m *muxErrorWriter) Write(b []byte) (int, error) {
	if m.replaced {
		return len(b), nil // drop the mux's text body; ours is already written
	}
	return m.ResponseWriter.Write(b)
}

// observe wraps the router with everything every request gets: a request
// id, a trace span, a duration metric, one log line and panic recovery.
func (s *Server) observe(next *http.ServeMux) http.Handler {
	tracer := otel.Tracer("http-server")
	propagator := otel.GetTextMapPropagator()

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()

		id := r.Header.Get(requestIDHeader)
		if !requestIDPattern.MatchString(id) {
			id = newID()
		}
		w.Header().Set(requestIDHeader, id)

		// The route is known before the handler runs, so the span can be
		// named after it and unknown paths never become span names.
		handler, pattern := next.Handler(r)
		route := routeOf(pattern)

		ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer.Start(ctx, r.Method+" "+route,
			trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(
				attribute.String("http.request.method", r.Method),
				attribute.String("http.route", route),
				attribute.String("url.path", r.URL.Path),
				attribute.String("request.id", id),
			))
		ctx = context.WithValue(ctx, requestIDKey{}, id)
		r = r.WithContext(ctx)

		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.logger.ErrorContext(ctx, "handler panicked", "requestId", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				span.SetStatus(codes.Error, "panic")
				if rec.status == 0 {
					writeError(rec, r, http.StatusInternalServerError, codeInternal, "an unexpected error occurred", nil)
				}
			}

			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			s.metrics.duration.WithLabelValues(r.Method, route, strconv.Itoa(status)).Observe(elapsed.Seconds())

			span.SetAttributes(attribute.Int("http.response.status_code", status))
			if status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(status))
			}
			span.End()

			attrs := []any{
				"requestId", id,
				"method", r.Method,
				"route", route,
				"path", r.URL.Path,
				"status", status,
				"durationMs", float64(elapsed.Microseconds()) / 1000,
			}
			if sc := span.SpanContext(); sc.IsValid() {
				attrs = append(attrs, "traceId", sc.TraceID().String(), "spanId", sc.SpanID().String())
			}
			level := slog.LevelInfo
			if quietRoutes[route] && status < 400 {
				level = slog.LevelDebug
			}
			if status >= 500 {
				level = slog.LevelError
			}
			s.logger.Log(ctx, level, "request completed", attrs...)
		}()

		if pattern == "" {
			// No route matched: the mux answers 404, 405 or a redirect to
			// the cleaned path. Errors get our JSON body.
			handler.ServeHTTP(&muxErrorWriter{ResponseWriter: rec, r: r}, r)
			return
		}
		next.ServeHTTP(rec, r)
	})
}
