package dev

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/diag"
)

// sse reads a Server-Sent Events stream as event names and data.
func sse(t *testing.T, url string) <-chan [2]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan [2]string, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var ev string
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				ev = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				out <- [2]string{ev, v}
			}
		}
	}()
	return out
}

func nextEvent(t *testing.T, c <-chan [2]string) (string, string) {
	t.Helper()
	select {
	case m := <-c:
		return m[0], m[1]
	case <-time.After(15 * time.Second):
		t.Fatal("no live-reload event within 15 s")
		return "", ""
	}
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

// Without a browser: the preview serves pages with the live-reload
// script, survives a broken notice (serving the last good build and
// sending the problem with its position), and reloads once it is fixed.
func TestPreviewSurvivesABrokenNoticeAndRecovers(t *testing.T) {
	dir := copySite(t)
	base, _ := startPreview(t, dir)
	code, page, h := get(t, base+"en/applicants/")
	if code != 200 || !strings.Contains(page, `<script src="`+ScriptPath+`" defer>`) || h.Get("Server-Timing") == "" {
		t.Fatalf("GET page: %d, Server-Timing %q, dev script included: %v", code, h.Get("Server-Timing"), strings.Contains(page, ScriptPath))
	}
	if code, _, _ := get(t, base+"en/nope/"); code != 404 {
		t.Errorf("GET a missing page: %d, want 404", code)
	}
	events := sse(t, base+strings.TrimPrefix(EventsPath, "/"))
	if ev, _ := nextEvent(t, events); ev != "hello" {
		t.Fatalf("first event %q, want hello", ev)
	}
	notice := filepath.Join(dir, "content", "applicants.sv.md")
	orig, _ := os.ReadFile(notice)
	write(t, notice, "+++\ntitle = \n+++\n")
	ev, data := nextEvent(t, events)
	var ps []Problem
	if err := json.Unmarshal([]byte(data), &ps); ev != "problems" || err != nil || len(ps) == 0 || ps[0].File != "content/applicants.sv.md" || ps[0].Line == 0 {
		t.Fatalf("after breaking the notice: %s %s, want problems naming content/applicants.sv.md:LINE", ev, data)
	}
	if code, body, _ := get(t, base+"sv/applicants/"); code != 200 || !strings.Contains(body, "Information till sökande") {
		t.Errorf("while broken, GET sv/applicants/ = %d; want the last good page", code)
	}
	write(t, notice, strings.Replace(string(orig), "Information till sökande", "Information för sökande", 1))
	for {
		// The truncated file may make a batch of its own on a loaded machine.
		ev, data := nextEvent(t, events)
		if ev == "reload" {
			break
		}
		if ev != "problems" {
			t.Fatalf("after the fix: %s %s, want reload", ev, data)
		}
	}
	if _, body, _ := get(t, base+"sv/applicants/"); !strings.Contains(body, "Information för sökande") {
		t.Error("after the fix, the page does not show the edit")
	}
}

func TestProblemsSayWhereWhatAndTheFix(t *testing.T) {
	fe := &diag.Diagnostic{Rule: diag.RuleCategory, Pos: diag.Position{File: "content/a.en.md", Line: 7, Col: 3}, Field: "cookies[0].category",
		Message: `found "stats", want a consent category (analytics, marketing)`, Fix: "use one of them", Source: "  - {category: stats}"}
	// An error no package made a diagnostic of is shown as it is, whole.
	other := errors.New(`layouts/notice.html:12:5: executing "main"`)
	got := Problems(fmt.Errorf("index (en): %w", errors.Join(diag.List{fe, fe}, other)))
	want := []Problem{
		{File: "content/a.en.md", Line: 7, Col: 3, Field: "cookies[0].category", Rule: diag.RuleCategory, Message: `found "stats", want a consent category (analytics, marketing)`, Fix: "Use one of them", Source: "  - {category: stats}"},
		{Rule: diag.RuleOther, Message: `layouts/notice.html:12:5: executing "main"`},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// The watcher and the incremental build together: an editor's atomic
// save, a notice in a folder made while serving, and its deletion each
// reach the served site.
func TestPreviewFollowsAtomicSavesNewFoldersAndDeletes(t *testing.T) {
	dir := copySite(t)
	base, _ := startPreview(t, dir)
	events := sse(t, base+strings.TrimPrefix(EventsPath, "/"))
	nextEvent(t, events) // hello
	waitReload := func(what string) {
		t.Helper()
		for {
			// A loaded machine may split the events of one step in two
			// batches; the first may change nothing ("ok").
			ev, data := nextEvent(t, events)
			if ev == "reload" {
				return
			}
			if ev != "ok" {
				t.Fatalf("after %s: %s %s, want reload", what, ev, data)
			}
		}
	}

	notice := filepath.Join(dir, "content", "applicants.en.md")
	orig, _ := os.ReadFile(notice)
	tmp := filepath.Join(dir, "content", ".applicants.en.md.swp")
	write(t, tmp, strings.Replace(string(orig), "title: Applicant privacy notice", "title: Saved atomically", 1))
	if err := os.Rename(tmp, notice); err != nil {
		t.Fatal(err)
	}
	waitReload("an atomic save")
	if _, body, _ := get(t, base+"en/applicants/"); !strings.Contains(body, "Saved atomically") {
		t.Error("the atomic save does not show")
	}

	team := filepath.Join(dir, "content", "team", "team.en.md")
	write(t, team, strings.Replace(strings.Replace(string(orig), "title: Applicant privacy notice", "title: Team notice", 1), "related: [cookies]", "", 1))
	waitReload("a notice in a new folder")
	if code, body, _ := get(t, base+"en/team/"); code != 200 || !strings.Contains(body, "Team notice") {
		t.Errorf("GET en/team/ = %d; want the new notice", code)
	}
	if _, index, _ := get(t, base+"en/"); !strings.Contains(index, "Team notice") {
		t.Error("the index does not list the new notice")
	}

	if err := os.RemoveAll(filepath.Dir(team)); err != nil {
		t.Fatal(err)
	}
	waitReload("deleting the folder")
	if code, _, _ := get(t, base+"en/team/"); code != 404 {
		t.Errorf("GET en/team/ after deleting it = %d, want 404", code)
	}
}

// The preview lints what each save touched and prints the errors and
// warnings of files whose findings changed, without blocking the page.
func TestPreviewPrintsLintFindingsAsTheyChange(t *testing.T) {
	dir := copySite(t)
	base, term := startPreview(t, dir)
	if !strings.Contains(term.String(), "content/applicants.sv.md:8:1: error controller.legal-entity-missing") {
		t.Fatalf("the first build's lint errors are not in the terminal:\n%s", term.String())
	}
	events := sse(t, base+strings.TrimPrefix(EventsPath, "/"))
	if ev, _ := nextEvent(t, events); ev != "hello" {
		t.Fatalf("first event %q, want hello", ev)
	}
	// waitFor waits for text in what the terminal printed after mark.
	waitFor := func(mark int, text string) int {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if out := term.String(); strings.Contains(out[mark:], text) {
				return len(out)
			}
		}
		t.Fatalf("%q not printed within 15 s; the terminal after the save:\n%s", text, term.String()[mark:])
		return 0
	}
	notice := filepath.Join(dir, "content", "applicants.en.md")
	orig, _ := os.ReadFile(notice)
	mark := len(term.String())
	write(t, notice, strings.Replace(string(orig), "supervisory_authority: ico", "supervisory_authority: datainspektionen", 1))
	mark = waitFor(mark, "content/applicants.en.md:11:1: error sa.stale-name")
	write(t, notice, string(orig))
	waitFor(mark, "content/applicants.en.md: lint clean") // one print per save: the whole block is there
	if out := term.String()[mark:]; strings.Contains(out, "sa.stale-name") {
		t.Errorf("the fixed finding was printed again:\n%s", out)
	}
	// A save that changes no finding prints none. The preview lints each
	// save before it takes the next, so anything printed for the first
	// of two saves comes before the second save's rebuild line.
	mark = len(term.String())
	write(t, notice, strings.Replace(string(orig), "\n---\n", "\n---\n\n", 1))
	waitFor(mark, " rendered, ")
	write(t, notice, strings.Replace(string(orig), "supervisory_authority: ico", "supervisory_authority: datainspektionen", 1))
	waitFor(mark, "sa.stale-name")
	out := term.String()[mark:]
	first := strings.Index(out, " rendered, ")
	second := first + 1 + strings.Index(out[first+1:], " rendered, ")
	if between := out[:second]; strings.Contains(between, ": error ") || strings.Contains(between, ": warning ") || strings.Contains(between, "lint clean") {
		t.Errorf("a save that changed no finding printed findings:\n%s", between)
	}
}

// The preview serves static/ as the build publishes it, and follows its
// edits.
func TestPreviewServesStaticFiles(t *testing.T) {
	dir := copySite(t)
	write(t, filepath.Join(dir, "static", "robots.txt"), "User-agent: *\n")
	write(t, filepath.Join(dir, "static", ".well-known", "security.txt"), "Contact: mailto:security@example.test\n")
	base, _ := startPreview(t, dir)
	for path, want := range map[string]string{"robots.txt": "User-agent: *\n", ".well-known/security.txt": "Contact: mailto:security@example.test\n"} {
		if code, body, _ := get(t, base+path); code != 200 || body != want {
			t.Errorf("GET %s = %d %q, want static/%s", path, code, body, path)
		}
	}
	events := sse(t, base+strings.TrimPrefix(EventsPath, "/"))
	nextEvent(t, events) // hello
	write(t, filepath.Join(dir, "static", "robots.txt"), "User-agent: *\nDisallow: /\n")
	for {
		ev, data := nextEvent(t, events)
		if ev == "reload" {
			break
		}
		if ev != "ok" {
			t.Fatalf("after editing static/robots.txt: %s %s, want reload", ev, data)
		}
	}
	if _, body, _ := get(t, base+"robots.txt"); body != "User-agent: *\nDisallow: /\n" {
		t.Errorf("after the edit, robots.txt = %q", body)
	}
}

// A site that fails its first build is served as the waiting page, and
// the terminal says the preview waits: there is no last good build to
// show yet.
func TestPreviewOfASiteThatNeverBuiltSaysItWaits(t *testing.T) {
	dir := copySite(t)
	toml := filepath.Join(dir, "notis.toml")
	orig, err := os.ReadFile(toml)
	if err != nil {
		t.Fatal(err)
	}
	write(t, toml, string(orig)+"\ncolour = \"red\"\n")
	base, term := startPreview(t, dir)
	if got := term.String(); !strings.Contains(got, "Build failed; the preview waits for a good build:") || strings.Contains(got, "last good build") {
		t.Errorf("terminal:\n%s", got)
	}
	if code, body, _ := get(t, base+"en/"); code != http.StatusServiceUnavailable || !strings.Contains(body, "has not built yet") {
		t.Errorf("GET en/ before any good build: %d %s", code, body)
	}
}
