// Package dev is `notis serve`: it builds a site into memory, serves it,
// watches the site's folders and rebuilds what an edit touches, and tells
// open pages over Server-Sent Events to reload, swap a stylesheet, or show
// a build error until it is fixed. The consent endpoint runs in-process
// on a temporary SQLite store, so the banner works end to end.
package dev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/history"
	"github.com/notis-dev/notis/internal/lint"
	"github.com/notis-dev/notis/internal/site"
)

// Options configure a preview server.
type Options struct {
	Source string // the site folder
	Bind   string // address to listen on, default 127.0.0.1
	Port   int    // default 1313; 0 picks a free port
	Out    io.Writer
	// NoConsent leaves the consent endpoint out (the banner then records
	// nothing).
	NoConsent bool
	// Ready, when set, is called with the preview's base URL once it
	// listens.
	Ready func(baseURL string)
}

// Server is a running preview.
type Server struct {
	opts    Options
	base    string
	inc     *build.Incremental
	hub     *Hub
	consent *Consent
	mu      sync.Mutex // serialises output to opts.Out
	// findings are the lint errors and warnings last shown, by file.
	findings map[string][]lint.Finding
}

func (s *Server) printf(format string, a ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.opts.Out, format, a...)
}

// Serve runs the preview until ctx is done. Only a failure to listen or
// watch ends it early: content errors are shown, never fatal.
func Serve(ctx context.Context, opts Options) error {
	if opts.Bind == "" {
		opts.Bind = "127.0.0.1"
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(opts.Bind, strconv.Itoa(opts.Port)))
	if err != nil {
		return fmt.Errorf("listen: %w (another notis serve? pick another --port)", err)
	}
	defer ln.Close()
	host := opts.Bind
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	port := ln.Addr().(*net.TCPAddr).Port
	s := &Server{opts: opts, hub: NewHub(), findings: map[string][]lint.Finding{}}
	s.base = "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/"

	w, err := NewWatcher(opts.Source)
	if err != nil {
		return fmt.Errorf("watch %s: %w", opts.Source, err)
	}
	defer w.Close()
	w.Errors = func(err error) { s.printf("watch: %v\n", err) }
	if gitDir, err := history.GitDir(opts.Source); err == nil {
		if err := w.WatchGit(gitDir); err != nil {
			s.printf("watch %s: %v (a commit shows in the history at the next save)\n", gitDir, err)
		}
	}

	start := time.Now()
	s.inc, err = build.NewIncremental(build.Options{
		Source: opts.Source, BaseURL: s.base, DevScript: ScriptPath,
		ConsentEndpoint: strings.TrimSuffix(s.base, "/") + ConsentPath,
	})
	out := s.inc.Output()
	if err != nil {
		s.failed(err)
	} else {
		s.hub.Built(out.Gen, false, nil)
		s.printf("Built %d files in %s\n", len(out.Files), time.Since(start).Round(time.Millisecond))
		s.lint(&build.Change{Full: true}) // the first build is a full one
	}

	var consentHandler http.Handler
	cfg, cfgErr := site.Load(opts.Source)
	if !opts.NoConsent && cfgErr == nil {
		origins := []string{strings.TrimSuffix(s.base, "/"), "http://localhost:" + strconv.Itoa(port), "http://127.0.0.1:" + strconv.Itoa(port)}
		s.consent, err = NewConsent(cfg, origins, out, func(line string) { s.printf("%s\n", line) })
		if err != nil {
			s.printf("consent endpoint off: %v\n", err)
		} else {
			defer s.consent.Close()
			consentHandler = s.consent.Handler()
		}
	}

	hs := &http.Server{
		Handler: Handler(s.inc.Output, s.hub, consentHandler), ReadHeaderTimeout: 10 * time.Second,
		// Requests end with the preview, live-reload streams included.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	if cfgErr == nil {
		for _, lang := range cfg.LanguageCodes() {
			s.printf("  %s  %s%s/\n", lang, s.base, lang)
		}
	} else {
		s.printf("  %s\n", s.base)
	}
	if s.consent != nil {
		s.printf("Consents go to %s%s (a temporary SQLite store)\n", strings.TrimSuffix(s.base, "/"), ConsentPath)
	}
	s.printf("Watching %s for changes; Ctrl+C stops.\n", opts.Source)
	if opts.Ready != nil {
		opts.Ready(s.base)
	}

	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		_ = w.Run(wctx, s.rebuild)
	}()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	return nil
}

// rebuild brings the build up to date after a batch of edits and tells
// the open pages.
func (s *Server) rebuild(paths []string) {
	ch, err := s.inc.Update(paths)
	if err != nil {
		s.failed(err)
		return
	}
	if slices.Contains(paths, GitHead) {
		// A commit or checkout moved the versions the history lint
		// compares with: check every notice again.
		ch.Full = true
	}
	out := s.inc.Output()
	if s.consent != nil {
		s.consent.Publish(out)
	}
	what := strings.Join(paths, ", ")
	if len(what) > 80 {
		what = fmt.Sprintf("%d files", len(paths))
	}
	switch {
	case ch.CSSOnly():
		s.hub.Built(out.Gen, true, ch.CSS)
		s.printf("%s: stylesheet swapped in %s\n", what, ch.Duration.Round(100*time.Microsecond))
	case len(ch.Changed) > 0:
		s.hub.Built(out.Gen, true, nil)
		s.printf("%s: %s rendered, %s changed, in %s\n", what, plural(ch.Rendered, "page"), plural(len(ch.Changed), "file"), ch.Duration.Round(100*time.Microsecond))
	default:
		s.hub.Built(out.Gen, false, nil)
	}
	s.lint(ch)
}

// lint checks the notices an update re-read, with their translations,
// after the pages have been told to reload, and prints the errors and
// warnings of each file whose findings changed: the preview shows the
// page while the terminal says what 'notis build' would refuse.
func (s *Server) lint(ch *build.Change) {
	if !ch.Full && len(ch.Notices) == 0 {
		return
	}
	notices := s.inc.Notices(ch.Notices) // nil after a full build: all
	shown := map[string][]lint.Finding{}
	for _, f := range lint.Check(notices, lint.Options{Categories: s.inc.Categories(), Dated: s.inc.Dated()}) {
		if f.Severity >= lint.Warning {
			shown[f.Pos.File] = append(shown[f.Pos.File], f)
		}
	}
	checked := map[string]bool{}
	for _, n := range notices {
		checked[n.File] = true
	}
	if ch.Full {
		for f := range s.findings {
			checked[f] = true // a file that went takes its findings along
		}
	}
	var b strings.Builder
	for _, file := range slices.Sorted(maps.Keys(checked)) {
		old, now := s.findings[file], shown[file]
		if slices.EqualFunc(old, now, sameFinding) {
			continue
		}
		if len(now) == 0 {
			delete(s.findings, file)
			fmt.Fprintf(&b, "%s: lint clean\n", file)
			continue
		}
		s.findings[file] = now
		_ = lint.Write(&b, "text", now)
	}
	s.printf("%s", b.String())
}

func sameFinding(a, b lint.Finding) bool {
	return a.Rule == b.Rule && a.Pos == b.Pos && a.Message == b.Message
}

// failed reports a build error in the terminal and in every open page.
func (s *Server) failed(err error) {
	ps := firstProblems(Problems(err))
	s.hub.Failed(ps)
	var b strings.Builder
	if s.inc.Output() == nil {
		b.WriteString("Build failed; the preview waits for a good build:\n")
	} else {
		b.WriteString("Build failed; the preview shows the last good build:\n")
	}
	for _, p := range ps {
		b.WriteString("  ")
		if w := p.Where(); w != "" {
			b.WriteString(w + ": ")
		}
		if p.Field != "" {
			b.WriteString(p.Field + ": ")
		}
		b.WriteString(p.Message)
		if p.Rule != "" {
			b.WriteString(" (" + p.Rule + ")")
		}
		if p.Source != "" {
			b.WriteString("\n    | " + p.Source)
		}
		if p.Fix != "" {
			b.WriteString("\n    fix: " + p.Fix)
		}
		b.WriteByte('\n')
	}
	s.printf("%s", b.String())
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
