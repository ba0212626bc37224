package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/internal/site"
)

// Site is one site the server records consents for: its notis.toml and
// the consent versions its builds have published.
//
// The versions folder is only where versions arrive. Each version file
// is kept in the store the moment the server first sees it, before any
// event under it is accepted, so a deploy that drops an old file (or a
// server that never had it, of N) changes nothing: events from a page
// still running the old banner are accepted, and their proofs show what
// that banner said.
type Site struct {
	Config *site.Config
	// VersionsDir holds <version>.json files, as `notis build` writes them
	// to public/consent/versions.
	VersionsDir string

	mu       sync.RWMutex
	store    store.Store                           // nil until the server attaches one
	versions map[string]*consentwire.VersionRecord // version → its latest document
	files    map[string]fileStamp                  // file name → the stamp it was read at
	scanned  time.Time
	log      *slog.Logger
}

// fileStamp tells a version file that changed since it was read (a new
// wording of the same version) from one that did not.
type fileStamp struct {
	size int64
	mod  time.Time
}

// NewSite names a site and where its builds publish consent versions. It
// reads nothing yet: the server loads the versions when it attaches its
// store (New), so that each one is kept there before it is used.
func NewSite(cfg *site.Config, versionsDir string, log *slog.Logger) (*Site, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Site{Config: cfg, VersionsDir: versionsDir, versions: map[string]*consentwire.VersionRecord{},
		files: map[string]fileStamp{}, log: log}, nil
}

// attach makes st the site's store of versions, loads what it keeps, and
// imports the versions folder into it.
func (s *Site) attach(ctx context.Context, st store.Store) error {
	s.mu.Lock()
	s.store = st
	s.scanned = time.Time{}
	s.mu.Unlock()
	if err := s.scan(ctx); err != nil {
		return err
	}
	s.mu.RLock()
	n := len(s.versions)
	s.mu.RUnlock()
	if n == 0 {
		s.log.Warn("no consent versions published yet; events will be answered 409 version_unknown until `notis build` writes some",
			"site", s.Config.Site, "dir", s.VersionsDir)
	}
	return nil
}

// rescanEvery bounds how often an unknown version makes the server look
// at the folder (and the store) again, so a flood of made-up versions
// costs nothing.
const rescanEvery = time.Second

// rescanTimeout bounds the store's part of a rescan on the request path.
const rescanTimeout = time.Second

// Version returns a consent version this site has published, or nil if
// neither the store nor the folder has it yet.
func (s *Site) Version(v string) *consentwire.VersionRecord {
	s.mu.RLock()
	rec, stale := s.versions[v], time.Since(s.scanned) > rescanEvery
	s.mu.RUnlock()
	if rec != nil || !stale {
		return rec
	}
	ctx, cancel := context.WithTimeout(context.Background(), rescanTimeout)
	defer cancel()
	if err := s.scan(ctx); err != nil {
		s.log.Error("rescan consent versions", "site", s.Config.Site, "err", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.versions[v]
}

// scan loads the versions the store keeps (another instance may have
// imported some) and imports the folder's new or changed files into the
// store, then into memory: a version is usable only once it is kept.
func (s *Site) scan(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.scanned) <= rescanEvery && !s.scanned.IsZero() {
		return nil // another request just scanned
	}
	s.scanned = time.Now()
	if s.store != nil {
		kept, err := s.store.Versions(ctx, s.Config.Site)
		if err != nil {
			return fmt.Errorf("consent versions of %s in the store: %w", s.Config.Site, err)
		}
		for _, v := range kept { // oldest first: the latest wording wins
			rec, err := parseVersion(v.Doc)
			if err != nil {
				s.log.Warn("skipping a kept consent version that does not parse", "site", v.Site, "version", v.Version, "err", err)
				continue
			}
			s.versions[v.Version] = rec
		}
	}
	entries, err := os.ReadDir(s.VersionsDir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("consent versions of %s: %w", s.Config.Site, err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed since ReadDir
		}
		stamp := fileStamp{size: info.Size(), mod: info.ModTime()}
		if s.files[e.Name()] == stamp {
			continue
		}
		path := filepath.Join(s.VersionsDir, e.Name())
		if err := s.importFile(ctx, path, name); err != nil {
			s.log.Warn("skipping consent version file", "path", path, "err", err)
			continue
		}
		s.files[e.Name()] = stamp
	}
	return nil
}

// importFile reads one version file, keeps it in the store, and makes it
// the version's current document. s.mu is held.
func (s *Site) importFile(ctx context.Context, path, name string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	rec, err := parseVersion(data)
	if err != nil {
		return err
	}
	if rec.Site != s.Config.Site || rec.Version != name {
		return fmt.Errorf("its site %q or version %q does not match the site %q and the file name", rec.Site, rec.Version, s.Config.Site)
	}
	if s.store != nil {
		sum := sha256.Sum256(data)
		v := store.Version{Site: rec.Site, Version: rec.Version, Digest: hex.EncodeToString(sum[:]), FirstSeen: time.Now().UTC(), Doc: data}
		if err := s.store.KeepVersion(ctx, v); err != nil {
			return fmt.Errorf("keeping it in the store: %w", err)
		}
	}
	s.versions[name] = rec
	return nil
}

func parseVersion(data []byte) (*consentwire.VersionRecord, error) {
	var rec consentwire.VersionRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// Validate checks an event against this site: the version is published,
// the language is the site's, and every choice is a category of that
// version or a vendor grant within one ("marketing:youtube", a vendor the
// version declares in that category). It stores nothing it was not sent:
// a vendor key is kept as the banner sent it, and an unknown one is
// refused rather than dropped. (The server checks the page origin before.)
func (s *Site) Validate(ev *Event) *FieldError {
	ver := s.Version(ev.Version)
	if ver == nil {
		return fieldErr("version", "consent version %q was never published for site %q", ev.Version, ev.Site)
	}
	if _, ok := s.Config.Languages[ev.Lang]; !ok {
		return fieldErr("lang", "site %q has no language %q", ev.Site, ev.Lang)
	}
	for key, granted := range ev.Choices {
		id, vendor := consentwire.SplitChoice(key)
		c := category(ver, id)
		switch {
		case c == nil && vendor == "" && !strings.Contains(key, ":"):
			return fieldErr("choices."+key, "consent version %q has no category %q", ev.Version, key)
		case c == nil:
			return fieldErr("choices."+key, "want \"<category>:<vendor>\" with a category of consent version %q; it has no category %q", ev.Version, id)
		case strings.Contains(key, ":") && !consentwire.VendorPattern.MatchString(vendor):
			return fieldErr("choices."+key, "vendor %q: want lower-case letters, digits, - or _ (like \"youtube\"), after one colon", vendor)
		case vendor != "" && c.Required:
			return fieldErr("choices."+key, "category %q is required: it has no vendor grants", id)
		case vendor != "" && !slices.Contains(c.Vendors, vendor):
			return fieldErr("choices."+key, "consent version %q declares no vendor %q in category %q (declared: %s)", ev.Version, vendor, id, listOrNone(c.Vendors))
		case c.Required && !granted:
			return fieldErr("choices."+key, "category %q is required and cannot be false", key)
		}
		// The method must not contradict the choices: a record saying
		// "accept all" with a category (or a vendor) refused proves nothing.
		what := "category"
		if vendor != "" {
			what = "vendor grant"
		}
		switch {
		case ev.Method == "accept_all" && !granted:
			return fieldErr("choices."+key, "method accept_all, but %s %q is false", what, key)
		case (ev.Method == "reject_all" || ev.Method == "gpc") && granted && !c.Required:
			return fieldErr("choices."+key, "method %s, but the optional %s %q is true", ev.Method, what, key)
		}
	}
	return nil
}

// listOrNone lists ids for an error message.
func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

func category(ver *consentwire.VersionRecord, id string) *consentwire.Category {
	for i := range ver.Categories {
		if ver.Categories[i].ID == id {
			return &ver.Categories[i]
		}
	}
	return nil
}
