package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/audit"
	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/testenv"
)

func TestAuditUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"audit"},
		{"audit", "https://jobs.example.org/", "--format", "xml"},
		{"audit", "--pages", "-1", "https://jobs.example.org/"},
		{"audit", "https://jobs.example.org/", "--nope"},
		{"audit", "jobs.example.org"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
		if !strings.Contains(errb.String(), "usage: notis audit URL") {
			t.Errorf("%v: stderr does not show the synopsis: %q", args, errb.String())
		}
	}
}

func TestAuditWithoutChromiumNamesTheDebianPackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out, errb bytes.Buffer
	code := run([]string{"audit", "--source", lintSite(t, cleanNotice), "https://jobs.example.org/"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "Debian's chromium package") {
		t.Errorf("exit %d, stderr %q: want 1 and a message naming Debian's chromium package", code, errb.String())
	}
}

func TestVersionLicensesCarriesTheOpenCookieDatabaseNotice(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"version", "--licenses"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"Open Cookie Database", "commit 0ee5a17", "Apache License", "TERMS AND CONDITIONS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version --licenses lacks %q", want)
		}
	}
}

// A notice that does not load is in the report the audit writes, not only
// on stderr: a JSON or SARIF report of a site the audit did not read whole
// is never clean, and no baseline accepts it.
func TestAuditReportsANoticeThatDidNotLoad(t *testing.T) {
	testenv.LookTool(t, "chromium", "run scripts/test-deps.sh")
	dir := lintSite(t, cleanNotice)
	if err := os.WriteFile(filepath.Join(dir, "content", "staff.md"), []byte("---\ntitle: Staff\ncookies:\n  - {name: _ga\n---\nBody.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><html lang=en><title>Jobs</title><p>Apply.</p></html>"))
	}))
	defer srv.Close()
	// A baseline that holds the broken notice's finding accepts nothing.
	st, loadErr := build.Load(dir, "")
	if st == nil || loadErr == nil {
		t.Fatalf("want the site loaded without its broken notice: %v", loadErr)
	}
	var accepted bytes.Buffer
	if err := audit.Write(&accepted, "json", audit.Report{Findings: audit.Unread(loadErr, dir)}); err != nil {
		t.Fatal(err)
	}
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(baseline, accepted.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"audit", srv.URL + "/", "--source", dir, "--pages", "0", "--format", "json", "--baseline", baseline}, &out, &errb)
	var rep struct {
		Findings []struct{ Rule, File string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s (stderr %q)", err, out.String(), errb.String())
	}
	if code != 1 || len(rep.Findings) == 0 || rep.Findings[0].Rule != "syntax.yaml" || !strings.HasSuffix(rep.Findings[0].File, "content/staff.md") {
		t.Errorf("exit %d, findings %+v: want 1 and the notice that did not load, at its file", code, rep.Findings)
	}
}

// A --known table with mistakes is refused before any page is loaded,
// each mistake at its line with the line itself.
func TestAuditRefusesAKnownTableWithMistakes(t *testing.T) {
	known := filepath.Join(t.TempDir(), "known.tsv")
	if err := os.WriteFile(known, []byte("cookie\t_x\tanalytics\nhost\tstats.example.net\tanalytics\tOurs\nbeacon\tx\tanalytics\tX\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"audit", "https://jobs.example.org/", "--source", lintSite(t, cleanNotice), "--known", known}, &out, &errb)
	for _, want := range []string{known + ":1:1: error", "1 | cookie\t_x\tanalytics", known + ":3:1: error", `kind "beacon"`, "nothing was audited"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
}

// --org names a folder of notices; another is a usage error that lists
// the site's organisations.
func TestAuditOrgMustBeAFolderOfNotices(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"audit", "--source", filepath.Join("..", ".."), "--org", "acme", "https://jobs.example.org/"}, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "--org acme: content/acme/ holds no notice (organisations: 923jobs, essex, kent, necessio, nottingham)") {
		t.Errorf("exit %d, stderr %q: want 2 and the organisations", code, errb.String())
	}
}
