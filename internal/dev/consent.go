package dev

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/consent"
	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/site"
)

// Consent is the consent server run in-process for the preview, on a
// SQLite file in a temporary folder that Close removes, so clicking
// Accept in the preview records a consent like production does.
type Consent struct {
	dir      string
	versions string
	st       *store.SQLite
	srv      *consent.Server
	report   func(string)
}

// NewConsent starts a consent server for the site in cfg that accepts
// events from the given page origins, knowing the consent versions in
// out. report gets one line per consent recorded.
func NewConsent(cfg *site.Config, origins []string, out *build.Output, report func(string)) (*Consent, error) {
	dir, err := os.MkdirTemp("", "notis-serve-consent-")
	if err != nil {
		return nil, err
	}
	c := &Consent{dir: dir, versions: filepath.Join(dir, "versions"), report: report}
	if err := os.Mkdir(c.versions, 0o755); err != nil {
		c.Close()
		return nil, err
	}
	c.Publish(out)
	c.st, err = store.OpenSQLite(context.Background(), filepath.Join(dir, "consents.db"))
	if err != nil {
		c.Close()
		return nil, err
	}
	scfg := *cfg
	scfg.Consent.Origins = origins
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	st, err := consent.NewSite(&scfg, c.versions, log)
	if err != nil {
		c.Close()
		return nil, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	// No rate limits: one person clicks around their own preview.
	c.srv, err = consent.New(consent.Options{Sites: []*consent.Site{st}, Store: c.st, HashKey: key, ClientRate: -1, ConsentRate: -1, Logger: log,
		OnRecord: c.reportRecord})
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Publish makes the consent versions of a build known to the server. Old
// versions stay: a page opened before an edit may still post one.
func (c *Consent) Publish(out *build.Output) {
	if out == nil {
		return
	}
	for name, data := range out.Files {
		if dir, file := path.Split(name); dir == "consent/versions/" && strings.HasSuffix(file, ".json") {
			p := filepath.Join(c.versions, file)
			if _, err := os.Stat(p); err != nil {
				if err := os.WriteFile(p, data, 0o644); err != nil {
					// Otherwise every click would be refused for a version
					// the server never heard of, with no hint why.
					c.report(fmt.Sprintf("consent endpoint: cannot publish version %s: %v", file, err))
				}
			}
		}
	}
}

// Handler is the consent server's handler; each consent it records is
// reported in one line.
func (c *Consent) Handler() http.Handler { return c.srv.Handler() }

// reportRecord reports one consent post in one line.
func (c *Consent) reportRecord(status int, ev *consent.Event, decodeErr error) {
	switch {
	case decodeErr != nil:
		c.report(fmt.Sprintf("consent refused (%d): %v", status, decodeErr))
	case ev == nil:
		c.report(fmt.Sprintf("consent refused (%d) before its body was read: the page's origin, or the body's size", status))
	case status == http.StatusCreated:
		c.report("consent recorded: " + describe(ev))
	case status == consent.StatusClientGone:
		c.report("consent recorded, but the page had gone before the answer: " + describe(ev))
	default:
		c.report(fmt.Sprintf("consent refused (%d): %s", status, describe(ev)))
	}
}

func describe(ev *consent.Event) string {
	var granted, denied []string
	for _, cat := range slices.Sorted(maps.Keys(ev.Choices)) {
		if ev.Choices[cat] {
			granted = append(granted, cat)
		} else {
			denied = append(denied, cat)
		}
	}
	return fmt.Sprintf("%s, granted [%s], denied [%s], lang %s, version %s, consent id %s, page %s",
		ev.Method, strings.Join(granted, " "), strings.Join(denied, " "), ev.Lang, ev.Version, ev.ID, ev.URL)
}

// Close stops the server and removes its records.
func (c *Consent) Close() {
	if c.srv != nil {
		c.srv.Close()
	}
	if c.st != nil {
		_ = c.st.Close()
	}
	_ = os.RemoveAll(c.dir)
}
