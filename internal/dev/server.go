package dev

import (
	_ "embed"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/notis-dev/notis/internal/build"
)

// Paths the dev server adds to the site; none can clash with a notice
// page, whose paths are LANG/ID/.
const (
	ScriptPath  = "/_notis/dev.js"
	EventsPath  = "/_notis/events"
	ConsentPath = "/_notis/consent"
)

//go:embed dev.js
var devScript []byte

// Handler serves a site's latest good build from memory, the live-reload
// script and channel, and (when consent is not nil) the consent endpoint.
// output returns the build to serve, nil before the first good one.
func Handler(output func() *build.Output, hub *Hub, consent http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+ScriptPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(devScript)
	})
	mux.Handle("GET "+EventsPath, hub)
	if consent != nil {
		mux.Handle(ConsentPath+"/", http.StripPrefix(ConsentPath, consent))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		serveOutput(w, r, output(), hub)
	})
	return mux
}

// waiting is what every page shows before the site first builds: enough
// for the live-reload script to show the error and reload once it is fixed.
const waiting = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>notis serve: waiting for a good build</title>` +
	`<script src="` + ScriptPath + `" defer></script></head><body><p>The site has not built yet. This page reloads when it does.</p></body></html>`

func serveOutput(w http.ResponseWriter, r *http.Request, out *build.Output, hub *Hub) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if out == nil {
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(waiting))
		return
	}
	// The build this answer comes from, for the live-reload script.
	h.Set("Server-Timing", `notis;desc="`+hub.Build(out.Gen)+`"`)
	p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") && p != "" {
		p += "/"
	}
	name := p
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	data, ok := out.File(name)
	if !ok && name == "favicon.ico" {
		w.WriteHeader(http.StatusNoContent) // browsers ask; sites rarely have one
		return
	}
	if !ok {
		if _, dir := out.File(p + "/index.html"); dir {
			http.Redirect(w, r, "/"+p+"/", http.StatusMovedPermanently)
			return
		}
		data, ok = out.File("404.html")
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		if ok {
			_, _ = w.Write(data)
		}
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(data)
}
