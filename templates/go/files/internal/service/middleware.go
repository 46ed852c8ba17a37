package service

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
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

// requestScope is what the middleware adds to one request, in one
// allocation where context.WithValue, the recorder and the header value
// would take four: the request's context, which also answers its id
// (requestIDFrom), the writer that records its status, and the value of its
// X-Request-Id header.
type requestScope struct {
	context.Context
	id       string
	rec      statusRecorder
	idHeader [1]string
}

// Value answers requestIDKey itself and asks the parent context the rest.
func (s *requestScope) Value(key any) any {
	if _, ok := key.(requestIDKey); ok {
		return s.id
	}
	return s.Context.Value(key)
}

// validRequestID reports whether an incoming id is safe to echo into logs
// and headers: 1 to 128 characters from [A-Za-z0-9._:-]. Anything else gets
// a fresh id rather than being trusted. (A loop, not a regexp: this runs on
// every request.)
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// statusRecorder remembers the status code a handler wrote. When no route
// matched (the mux sets r.Pattern before any handler runs, and leaves it
// empty then), it also turns the mux's plain-text 404 and 405 answers into
// the service's JSON error body, keeping the Allow header of a 405.
type statusRecorder struct {
	http.ResponseWriter
	r        *http.Request
	status   int
	replaced bool // the mux's text body is dropped; ours is already written
}

func (rec *statusRecorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
		if rec.r.Pattern == "" && (status == http.StatusNotFound || status == http.StatusMethodNotAllowed) {
			rec.replaced = true
			rec.writeMuxError(status)
			return
		}
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *statusRecorder) Write(b []byte) (int, error) {
	if rec.replaced {
		return len(b), nil
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(b)
}

func (rec *statusRecorder) writeMuxError(status int) {
	r := rec.r
	if status == http.StatusNotFound {
		writeError(rec.ResponseWriter, r, status, codeNotFound, fmt.Sprintf("No route for %s %s.", r.Method, r.URL.Path), nil)
		return
	}
	writeError(rec.ResponseWriter, r, status, codeMethodNotAllowed,
		fmt.Sprintf("%s is not allowed on %s (allowed: %s).", r.Method, r.URL.Path, rec.Header().Get("Allow")), nil)
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

// propagationHeaders returns the canonical names of the headers p reads,
// or nil if it names none: then the middleware always calls Extract, as
// with otel's global propagator before one is installed (it names no
// headers then, but reads those of the propagator installed later).
func propagationHeaders(p propagation.TextMapPropagator) []string {
	fields := p.Fields()
	if len(fields) == 0 {
		return nil
	}
	names := make([]string, len(fields))
	for i, field := range fields {
		names[i] = http.CanonicalHeaderKey(field)
	}
	return names
}

// hasAnyHeader reports whether h has a value for any of the canonical names.
func hasAnyHeader(h http.Header, names []string) bool {
	for _, name := range names {
		if len(h[name]) > 0 {
			return true
		}
	}
	return false
}

// quietRoutes are polled by probes and scrapers every few seconds; with
// ACCESS_LOG=all their successful requests are logged at debug so they do
// not drown the rest.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// observe wraps the router with everything every request gets: a request
// id, a trace span, a duration metric and panic recovery; and an access
// line for the requests ACCESS_LOG selects (by default those that failed).
// Spans are started if a tracer provider that records them was installed
// before the server was built, as main does.
func (s *Server) observe(next *http.ServeMux) http.Handler {
	tracer := otel.Tracer("http-server")
	propagator := otel.GetTextMapPropagator()
	traceHeaders := propagationHeaders(propagator)
	logs := s.logger.Handler()
	// Decided once: per request, choosing whether to log is one comparison,
	// and a request below it formats nothing.
	accessLogFrom := s.cfg.AccessLog.minStatus()
	// Also decided once (tracingOn costs a little on every call).
	traced := tracingOn()

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()

		// requestIDHeader is in canonical form, so the header maps can be
		// indexed directly (Get and Set would canonicalize it every time).
		var id string
		if ids := r.Header[requestIDHeader]; len(ids) > 0 {
			id = ids[0]
		}
		if !validRequestID(id) {
			id = newID()
		}
		scope := &requestScope{id: id, idHeader: [1]string{id}}
		w.Header()[requestIDHeader] = scope.idHeader[:]

		// An incoming trace context is kept even with tracing off, so calls
		// this request makes can pass it on and its log line names it.
		// Most requests carry none, and then Extract would only look up
		// (and canonicalize) each of its headers to find nothing.
		ctx := r.Context()
		if traceHeaders == nil || hasAnyHeader(r.Header, traceHeaders) {
			ctx = propagator.Extract(ctx, propagation.HeaderCarrier(r.Header))
		}
		var span trace.Span
		if traced {
			// Route before the handler runs, so the span can be named after
			// the route and unknown paths never become span names. (The mux
			// routes again to serve: only traced requests pay for this.)
			_, pattern := next.Handler(r)
			route := routeOf(pattern)
			ctx, span = tracer.Start(ctx, r.Method+" "+route,
				trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(
					attribute.String("http.request.method", r.Method),
					attribute.String("http.route", route),
					attribute.String("url.path", r.URL.Path),
					attribute.String("request.id", id),
				))
		}
		scope.Context = ctx
		ctx = scope
		r = r.WithContext(ctx)
		scope.rec = statusRecorder{ResponseWriter: w, r: r}
		rec := &scope.rec
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.logger.ErrorContext(ctx, "handler panicked", "requestId", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if span != nil {
					span.SetStatus(codes.Error, "panic")
				}
				if rec.status == 0 {
					writeError(rec, r, http.StatusInternalServerError, codeInternal, "an unexpected error occurred", nil)
				}
			}

			// The mux has set r.Pattern by now, also when the handler panicked.
			route := routeOf(r.Pattern)
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			// time.Since reads the monotonic clock only; a log line's time is
			// derived from start rather than read again.
			elapsed := time.Since(start)
			s.metrics.observeDuration(r.Method, route, r.Pattern != "", status, elapsed)

			if span != nil {
				span.SetAttributes(attribute.Int("http.response.status_code", status))
				if status >= 500 {
					span.SetStatus(codes.Error, http.StatusText(status))
				}
				span.End()
			}

			if status < accessLogFrom {
				return
			}
			level := slog.LevelInfo
			if quietRoutes[route] && status < 400 {
				level = slog.LevelDebug
			}
			if status >= 500 {
				level = slog.LevelError
			}
			logRequest(ctx, logs, level, start.Add(elapsed), requestLog{
				requestID: id, method: r.Method, route: route, path: r.URL.Path, status: status, elapsed: elapsed,
				// With tracing off this is the caller's trace context, if any.
				span: trace.SpanContextFromContext(ctx),
			})
		}()

		next.ServeHTTP(rec, r)
	})
}
