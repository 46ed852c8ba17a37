package service

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics owns a private registry rather than the global one, so tests can
// build many servers in one process and /metrics shows only what we chose.
type metrics struct {
	registry *prometheus.Registry
	duration *prometheus.HistogramVec

	// observers caches duration's child per label set (durationLabels to
	// prometheus.Observer), as WithLabelValues hashes and checks every label
	// value on each call. Only requests that matched a route are cached, and
	// it stops growing at about maxCachedObservers entries, so odd methods
	// or paths cannot grow it without bound. (Deleting series from duration
	// would leave stale children here: this service never does.)
	observers sync.Map
	cached    atomic.Int32
}

type durationLabels struct {
	method, route string
	status        int
}

const maxCachedObservers = 1000

// newMetrics registers the HTTP and process metrics, and extra (the
// metrics of other parts of the service), under the service label.
func newMetrics(serviceName string, extra ...prometheus.Collector) *metrics {
	registry := prometheus.NewRegistry()
	// Every series carries the service name, as in the other Paved templates.
	registerer := prometheus.WrapRegistererWith(prometheus.Labels{"service": serviceName}, registry)
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "Duration of HTTP requests in seconds, by method, route pattern and status code.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route", "status"})
	registerer.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		duration,
	)
	registerer.MustRegister(extra...)
	return &metrics{registry: registry, duration: duration}
}

// observeDuration records one request in http_request_duration_seconds.
// matched is whether the request matched a route.
func (m *metrics) observeDuration(method, route string, matched bool, status int, elapsed time.Duration) {
	key := durationLabels{method, route, status}
	if o, ok := m.observers.Load(key); ok {
		o.(prometheus.Observer).Observe(elapsed.Seconds())
		return
	}
	o := m.duration.WithLabelValues(method, route, strconv.Itoa(status))
	if matched && m.cached.Load() < maxCachedObservers {
		if _, loaded := m.observers.LoadOrStore(key, o); !loaded {
			m.cached.Add(1)
		}
	}
	o.Observe(elapsed.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
