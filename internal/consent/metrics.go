package consent

import (
	"runtime"
	"runtime/debug"
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
	shed        *prometheus.CounterVec
	purged      prometheus.Counter
}

// gauges are the values /metrics reads when it is scraped; diskFree is
// nil for a store without files of its own.
type gauges struct {
	queueDepth, queueOldest, diskFree, ready func() float64
}

func newMetrics(g gauges) *metrics {
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
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "notis_consent_shed_total",
			Help: "Requests answered 503 at once to keep latency bounded, by reason (queue_full, queue_slow, store_slow, in_flight, closing).",
		}, []string{"reason"}),
		purged: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "notis_consent_purged_records_total",
			Help: "Records deleted by the retention purge.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.batchSize, m.storeErrors, m.shed, m.purged,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "notis_consent_queue_depth",
			Help: "Records waiting for the next group commit.",
		}, g.queueDepth),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "notis_consent_queue_oldest_seconds",
			Help: "How long the oldest record waiting for a commit has waited.",
		}, g.queueOldest),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "notis_consent_ready",
			Help: "1 when /readyz last found the server ready, else 0.",
		}, g.ready),
		buildInfo(),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if g.diskFree != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "notis_consent_disk_free_bytes",
			Help: "Free space for the SQLite store's files (-1 if it cannot be read).",
		}, g.diskFree))
	}
	return m
}

// buildInfo is the constant notis_build_info{version, goversion} 1.
func buildInfo() prometheus.Collector {
	version := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		version = info.Main.Version
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "notis_build_info",
		Help:        "The running notis: its module version and Go version.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
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
