package service

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardResponse is a ResponseWriter that costs next to nothing, so the
// benchmark measures the service, not httptest.
type discardResponse struct{ header http.Header }

func (d *discardResponse) Header() http.Header         { return d.header }
func (d *discardResponse) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardResponse) WriteHeader(int)             {}

// BenchmarkGetItem is what a successful request pays for the middleware
// (request id, metrics, the access line if ACCESS_LOG asks for one; tracing
// off) on top of the handler, for each ACCESS_LOG mode:
//
//	go test -run '^$' -bench . -benchmem ./internal/service
//
// Add -cpuprofile cpu.out and read it with `go tool pprof` to see where
// the time goes.
func BenchmarkGetItem(b *testing.B) {
	out := newLineWriter(io.Discard, logFlushInterval, logBufferSize)
	defer out.Close()
	type named struct {
		name, path string
		handler    http.Handler
	}
	var handlers []named
	for _, mode := range []AccessLog{AccessLogErrors, AccessLogAll, AccessLogNone} {
		cfg := testConfig()
		cfg.AccessLog = mode
		s := newTestServer(b, cfg, NewLogger(out, slog.LevelInfo, "bench"))
		item, err := s.items.create(context.Background(), "x", nil)
		if err != nil {
			b.Fatal(err)
		}
		path := "/v1/items/" + item.ID
		handlers = append(handlers, named{"service ACCESS_LOG=" + mode.String(), path, s.Handler()})
		if mode == AccessLogErrors {
			handlers = append(handlers, named{"handler only", path, s.mux})
		}
	}
	for _, h := range handlers {
		handler, path := h.handler, h.path
		b.Run(h.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			w := &discardResponse{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.header)
				handler.ServeHTTP(w, r)
			}
		})
	}
}
