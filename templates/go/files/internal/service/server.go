package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Server is the HTTP service: routes, shared state and readiness.
type Server struct {
	cfg      Config
	logger   *slog.Logger
	metrics  *metrics
	items    *itemStore
	mux      *http.ServeMux
	handler  http.Handler
	shutting atomic.Bool

	// readTimeout bounds reading one request, headers and body;
	// deadlineTick is how often Serve's connections have their deadlines
	// checked (see deadlines.go). Fields, not constants, so tests can
	// shorten them for one server.
	readTimeout  time.Duration
	deadlineTick time.Duration
}

// NewServer builds the routes. It opens no sockets, so tests can drive the
// handler directly.
func NewServer(cfg Config, logger *slog.Logger) *Server {
	s := &Server{
		cfg:     cfg,
		logger:  logger,
		metrics: newMetrics(cfg.ServiceName),
		items:   newItemStore(defaultStoreCapacity),
		mux:     http.NewServeMux(),

		readTimeout:  30 * time.Second,
		deadlineTick: time.Second,
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.handler())
	s.mux.HandleFunc("POST /v1/items", s.createItem)
	s.mux.HandleFunc("GET /v1/items/{id}", s.getItem)
	s.handler = s.observe(s.mux)
	return s
}

// Handler is the root handler with logging, metrics and tracing applied.
func (s *Server) Handler() http.Handler { return s.handler }

// healthz is liveness: the process can serve HTTP. It never depends on
// other systems, or an outage of one would restart every replica at once.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// readyz is readiness: send me traffic. It fails as soon as shutdown
// starts, so load balancers stop routing here while in-flight requests
// finish. Add dependency checks (a database ping, ...) to Checks.
func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.shutting.Load() {
		writeJSON(w, http.StatusServiceUnavailable, readiness{Status: "shutting_down", Checks: map[string]string{}})
		return
	}
	writeJSON(w, http.StatusOK, readiness{Status: "ready", Checks: map[string]string{}})
}

// Serve answers requests on listener until ctx is cancelled, then stops
// accepting connections, lets in-flight requests finish (for at most
// cfg.ShutdownTimeout) and returns.
func (s *Server) Serve(ctx context.Context, listener net.Listener) error {
	// ReadTimeout bounds reading a whole request, headers and body, so a
	// slow client cannot hold a connection open by trickling either (net/http
	// lifts it once the body is read); WriteTimeout bounds the answer, and
	// IdleTimeout how long a kept-alive connection may wait for its next
	// request. net/http sets these deadlines on the connection several times
	// per request: sweptListener keeps that from arming a runtime timer each
	// time (see deadlines.go).
	srv := &http.Server{
		Handler:      s.handler,
		ReadTimeout:  s.readTimeout,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}

	swept := newSweptListener(listener, s.deadlineTick)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(swept) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serving HTTP: %w", err)
	case <-ctx.Done():
	}

	s.shutting.Store(true)
	s.logger.Info("shutting down: draining in-flight requests", "timeoutMs", s.cfg.ShutdownTimeout.Milliseconds())
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("in-flight requests did not finish within %s: %w", s.cfg.ShutdownTimeout, err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return nil
}
