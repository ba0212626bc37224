package dev

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Message is one live-reload event for open pages.
type Message struct {
	Event string // hello, reload, css, problems, ok
	Data  []byte // JSON
}

// Hub is the live-reload channel: every open page holds a Server-Sent
// Events connection to it and gets each build's outcome.
type Hub struct {
	boot     string // tells this server's builds from an earlier run's
	mu       sync.Mutex
	clients  map[chan Message]struct{}
	gen      int       // the generation of the output being served
	problems []Problem // the current build error, nil when the build is good
}

// NewHub makes an empty hub.
func NewHub() *Hub {
	return &Hub{boot: strconv.FormatInt(time.Now().UnixNano()%1e9, 36), clients: map[chan Message]struct{}{}}
}

// Build names a generation of the output for pages: "boot.gen".
func (h *Hub) Build(gen int) string { return h.boot + "." + strconv.Itoa(gen) }

// Subscribe returns a channel of messages and a function that ends the
// subscription. A slow subscriber loses messages rather than block builds.
func (h *Hub) Subscribe() (<-chan Message, func()) {
	c := make(chan Message, 16)
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	return c, func() {
		h.mu.Lock()
		delete(h.clients, c)
		h.mu.Unlock()
	}
}

func (h *Hub) send(event string, v any) {
	data, _ := json.Marshal(v)
	m := Message{event, data}
	for c := range h.clients {
		select {
		case c <- m:
		default:
		}
	}
}

// Built announces a good build: open pages reload, or swap stylesheets
// when css (old → new path) is all that changed. A build that changed
// nothing only clears an error overlay.
func (h *Hub) Built(gen int, changed bool, css map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gen, h.problems = gen, nil
	b := h.Build(gen)
	switch {
	case !changed:
		h.send("ok", map[string]string{"build": b})
	case len(css) > 0:
		h.send("css", map[string]any{"build": b, "css": css})
	default:
		h.send("reload", map[string]string{"build": b})
	}
}

// Failed shows a build error in every open page until the next good build.
func (h *Hub) Failed(problems []Problem) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.problems = problems
	h.send("problems", problems)
}

// ServeHTTP is the Server-Sent Events endpoint. A page that connects gets
// a hello with the current generation (so it reloads when it was built
// before a rebuild it missed) and the current error, if any.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	c, stop := h.Subscribe()
	defer stop()
	h.mu.Lock()
	hello, _ := json.Marshal(map[string]any{"build": h.Build(h.gen), "error": h.problems != nil})
	problems := h.problems
	h.mu.Unlock()
	fmt.Fprintf(w, "retry: 500\nevent: hello\ndata: %s\n\n", hello)
	if problems != nil {
		data, _ := json.Marshal(problems)
		fmt.Fprintf(w, "event: problems\ndata: %s\n\n", data)
	}
	fl.Flush()
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
			fl.Flush()
		case m := <-c:
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", m.Event, m.Data)
			fl.Flush()
		}
	}
}
