package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/consent/store"
)

func TestConsentHelpTeachesWithExamples(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"help", "consent"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"Examples:", "notis consent purge", "NOTIS_ADMIN_TOKEN", "--trusted-proxy", "docs/consent-server.md"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestConsentUsageErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	toml := "site = \"careers\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n"
	if err := os.WriteFile(filepath.Join(dir, "notis.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"consent", "--bogus"},
		{"consent", "--config", dir, "--trusted-proxy", "not-a-cidr"},
		{"consent", "--config", dir, "--log-level", "loud"},
		{"consent", "--config", dir, "--config", dir, "--versions", dir},
		{"consent", "purge", "extra"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr: %s", args, code, errb.String())
		}
	}
}

const consentTestToml = "site = \"careers\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n"

// siteDir writes a minimal site: a folder holding notis.toml.
func siteDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notis.toml"), []byte(consentTestToml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConsentPurgeRunsAgainstAnExistingStore(t *testing.T) {
	dir := siteDir(t)
	db := filepath.Join(t.TempDir(), "c.db")
	st, err := store.OpenSQLite(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	var out, errb bytes.Buffer
	code := run([]string{"consent", "purge", "--config", dir, "--db", "sqlite:" + db}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "Purged 0 consent records") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// A mistyped --db must not create an empty store and report "0 purged".
func TestConsentPurgeNeverCreatesAStore(t *testing.T) {
	dir := siteDir(t)
	db := filepath.Join(t.TempDir(), "typo.db")
	var out, errb bytes.Buffer
	code := run([]string{"consent", "purge", "--config", dir, "--db", "sqlite:" + db}, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "never creates one") {
		t.Fatalf("exit %d, stderr %q; want 2 and why", code, errb.String())
	}
	if exists(db) {
		t.Fatalf("purge created %s", db)
	}
}

// The store and the hash key are secrets: never created in a site's
// folder (or below it), where they would be committed, unless asked.
func TestConsentRefusesToCreateSecretsInASiteFolder(t *testing.T) {
	dir := siteDir(t)
	t.Setenv("NOTIS_HASH_KEY", "")
	for _, args := range [][]string{
		{"--db", "sqlite:" + filepath.Join(dir, "consent.db")},
		{"--db", "sqlite:" + filepath.Join(dir, "data", "consent.db")},
		{"--db", "sqlite:" + filepath.Join(t.TempDir(), "consent.db"), "--hash-key-file", filepath.Join(dir, "notis-hash.key")},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"consent", "--config", dir, "--listen", "127.0.0.1:0"}, args...), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), "--allow-site-folder") || !strings.Contains(errb.String(), dir) {
			t.Errorf("%v: exit %d, stderr %q; want 2, the folder and the flag to pass", args, code, errb.String())
		}
	}
	for _, f := range []string{"consent.db", "notis-hash.key", "data"} {
		if exists(filepath.Join(dir, f)) {
			t.Errorf("%s was created in the site folder", f)
		}
	}
}

// A server that cannot bind leaves nothing behind.
func TestConsentCreatesNothingWhenItCannotListen(t *testing.T) {
	dir := siteDir(t)
	t.Setenv("NOTIS_HASH_KEY", "")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	data := t.TempDir()
	var out, errb bytes.Buffer
	code := run([]string{"consent", "--config", dir, "--listen", busy.Addr().String(), "--db", "sqlite:" + filepath.Join(data, "consent.db")}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "listen") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if entries, _ := os.ReadDir(data); len(entries) > 0 {
		t.Errorf("a server that could not listen left %v", entries)
	}
}

// A missing key beside a store with records is a restore that forgot
// the key: a new key would make every stored network hash unlinkable.
func TestConsentWillNotMakeANewKeyBesideRecords(t *testing.T) {
	dir := siteDir(t)
	t.Setenv("NOTIS_HASH_KEY", "")
	data := t.TempDir()
	db := filepath.Join(data, "consent.db")
	st, err := store.OpenSQLite(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Insert(context.Background(), []store.Record{{EventID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", ConsentID: "2b7e151d-7425-40de-944b-e07fc1f90ae7",
		ReceivedAt: time.Now(), Site: "careers", Choices: map[string]bool{"necessary": true}}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"consent", "--config", dir, "--listen", "127.0.0.1:0", "--db", "sqlite:" + db}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "--new-hash-key") || !strings.Contains(errb.String(), "restore") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if exists(filepath.Join(data, "notis-hash.key")) {
		t.Error("a new key was made beside a store with records")
	}
}
