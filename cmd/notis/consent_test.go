package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

func TestConsentPurgeRunsAgainstAnEmptyStore(t *testing.T) {
	dir := t.TempDir()
	toml := "site = \"careers\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n"
	if err := os.WriteFile(filepath.Join(dir, "notis.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"consent", "purge", "--config", dir, "--db", "sqlite:" + filepath.Join(dir, "c.db")}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "Purged 0 consent records") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}
