package consent

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are what /metrics exposes. Each Server has its own registry, so
// tests can run several servers in one process.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	batchSize   prometheus.Histogram
	storeErrors *prometheus.CounterVec
	purged      prometheus.Counter
}

func newMetrics(queueDepth func() float64) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "notis_consent_requests_total",
			Help: "HTTP requests answered, by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "notis_consent_request_duration_seconds",
			Help: "Time from request start to answer, by route.",
			// From 0.25 ms (a lone commit) to 10 s (the write timeout).
			Buckets: []float64{.00025, .0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "notis_consent_commit_batch_size",
			Help:    "Records per group commit.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512},
		}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "notis_consent_store_errors_total",
			Help: "Store operations that failed, by operation.",
		}, []string{"op"}),
		purged: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "notis_consent_purged_records_total",
			Help: "Records deleted by the retention purge.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.batchSize, m.storeErrors, m.purged,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "notis_consent_queue_depth",
			Help: "Records waiting for the next group commit.",
		}, queueDepth),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// routeRequests returns the request counters of one route.
func (m *metrics) routeRequests(route string) *routeCounters {
	return &routeCounters{vec: m.requests, route: route}
}

// routeCounters keeps the counter of each status code of a route once it
// is resolved, so a request does not hash its labels again.
type routeCounters struct {
	vec    *prometheus.CounterVec
	route  string
	byCode sync.Map // int → prometheus.Counter
}

func (rc *routeCounters) counter(code int) prometheus.Counter {
	if c, ok := rc.byCode.Load(code); ok {
		return c.(prometheus.Counter)
	}
	c := rc.vec.WithLabelValues(rc.route, strconv.Itoa(code))
	rc.byCode.Store(code, c)
	return c
}
