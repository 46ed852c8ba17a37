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

// ShutdownTimeout bounds how long in-flight requests may run after SIGTERM.
// Kubernetes waits terminationGracePeriodSeconds (30 s by default) before
// SIGKILL, so this leaves room for the process to flush telemetry and exit.
const ShutdownTimeout = 10 * time.Second

// Server is the HTTP service: routes, shared state and readiness.
type Server struct {
	logger   *slog.Logger
	metrics  *metrics
	items    *itemStore
	mux      *http.ServeMux
	handler  http.Handler
	shutting atomic.Bool
}

// NewServer builds the routes. It opens no sockets, so tests can drive the
// handler directly.
func NewServer(logger *slog.Logger) *Server {
	s := &Server{
		logger:  logger,
		metrics: newMetrics(),
		items:   newItemStore(),
		mux:     http.NewServeMux(),
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.handler())
	s.mux.HandleFunc("POST /v1/items", s.createItem)
	s.mux.HandleFunc("GET /v1/items/{id}", s.getItem)
	// Anything else, including a known path with another method, gets the
	// same JSON error body as every other failure.
	s.mux.HandleFunc("/", s.notFound)
	s.handler = s.observe(s.mux)
	return s
}

// Handler is the root handler with logging, metrics and tracing applied.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz fails as soon as shutdown starts, so load balancers stop sending
// new requests while in-flight ones finish.
func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.shutting.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, http.StatusNotFound, codeNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path), nil)
}

// Serve answers requests on listener until ctx is cancelled, then stops
// accepting connections, lets in-flight requests finish (up to
// ShutdownTimeout) and returns.
func (s *Server) Serve(ctx context.Context, listener net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(listener) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serving HTTP: %w", err)
	case <-ctx.Done():
	}

	s.shutting.Store(true)
	s.logger.Info("shutting down", "timeout", ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown did not finish within %s: %w", ShutdownTimeout, err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return nil
}
