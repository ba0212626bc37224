package consent

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/internal/site"
)

// Site is one site the server records consents for: its notis.toml and
// the consent versions its builds have published.
type Site struct {
	Config *site.Config
	// VersionsDir holds <version>.json files, as `notis build` writes them
	// to public/consent/versions.
	VersionsDir string

	mu       sync.RWMutex
	versions map[string]*consentwire.VersionRecord
	scanned  time.Time
	log      *slog.Logger
}

// NewSite loads the versions published so far. A missing folder is not an
// error, because the server may start before the first build is deployed;
// new versions are picked up when an event names them.
func NewSite(cfg *site.Config, versionsDir string, log *slog.Logger) (*Site, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Site{Config: cfg, VersionsDir: versionsDir, versions: map[string]*consentwire.VersionRecord{}, log: log}
	if err := s.scan(); err != nil {
		return nil, err
	}
	if len(s.versions) == 0 {
		log.Warn("no consent versions published yet; events will be rejected until `notis build` writes some",
			"site", cfg.Site, "dir", versionsDir)
	}
	return s, nil
}

// rescanEvery bounds how often an unknown version makes the server look
// at the folder again, so a flood of made-up versions costs nothing.
const rescanEvery = time.Second

// Version returns a published consent version, or nil.
func (s *Site) Version(v string) *consentwire.VersionRecord {
	s.mu.RLock()
	rec, stale := s.versions[v], time.Since(s.scanned) > rescanEvery
	s.mu.RUnlock()
	if rec != nil || !stale {
		return rec
	}
	if err := s.scan(); err != nil {
		s.log.Error("rescan consent versions", "site", s.Config.Site, "err", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.versions[v]
}

// scan loads version files not loaded yet. Published versions never
// change, so files already loaded are not read again.
func (s *Site) scan() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.scanned) <= rescanEvery && !s.scanned.IsZero() {
		return nil // another request just scanned
	}
	s.scanned = time.Now()
	entries, err := os.ReadDir(s.VersionsDir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("consent versions of %s: %w", s.Config.Site, err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || s.versions[name] != nil {
			continue
		}
		path := filepath.Join(s.VersionsDir, e.Name())
		rec, err := readVersion(path)
		if err != nil {
			s.log.Warn("skipping consent version file", "path", path, "err", err)
			continue
		}
		if rec.Site != s.Config.Site || rec.Version != name {
			s.log.Warn("skipping consent version file: its site or version does not match", "path", path,
				"site", rec.Site, "version", rec.Version, "want_site", s.Config.Site)
			continue
		}
		s.versions[name] = rec
	}
	return nil
}

func readVersion(path string) (*consentwire.VersionRecord, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rec consentwire.VersionRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &rec, nil
}

// Validate checks an event against this site: the version is published,
// the language is the site's, and every choice names a category of that
// version. (The server checks the page origin before.)
func (s *Site) Validate(ev *Event) *FieldError {
	ver := s.Version(ev.Version)
	if ver == nil {
		return fieldErr("version", "consent version %q was never published for site %q", ev.Version, ev.Site)
	}
	if _, ok := s.Config.Languages[ev.Lang]; !ok {
		return fieldErr("lang", "site %q has no language %q", ev.Site, ev.Lang)
	}
	for cat, granted := range ev.Choices {
		c := category(ver, cat)
		if c == nil {
			return fieldErr("choices."+cat, "consent version %q has no category %q", ev.Version, cat)
		}
		if c.Required && !granted {
			return fieldErr("choices."+cat, "category %q is required and cannot be false", cat)
		}
	}
	return nil
}

func category(ver *consentwire.VersionRecord, id string) *consentwire.Category {
	for i := range ver.Categories {
		if ver.Categories[i].ID == id {
			return &ver.Categories[i]
		}
	}
	return nil
}
