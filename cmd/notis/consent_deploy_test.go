package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// A deploy must never cost a proof of consent (issue #11): build the
// example site, run the real server on the build's versions folder,
// change a cookie, rebuild into the same destination with the old
// version's file gone, and an event from a page still running the old
// banner is stored (201); its history shows the old version's texts.
func TestAnOldVersionsEventSurvivesARebuildThatDropsItsFile(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(filepath.Join(src, "content"), os.DirFS("../../content")); err != nil {
		t.Fatal(err)
	}
	toml, err := os.ReadFile("../../notis.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "notis.toml"), toml, 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	versions := filepath.Join(dest, "consent", "versions")
	build := func() string {
		t.Helper()
		if code, out, errs := runCLI("build", "--source", src, "--destination", dest); code != 0 {
			t.Fatalf("build: exit %d\n%s%s", code, out, errs)
		}
		entries, err := os.ReadDir(versions)
		if err != nil || len(entries) == 0 {
			t.Fatalf("the build published no consent version: %v", err)
		}
		newest := entries[0]
		for _, e := range entries {
			if a, b := info(t, e), info(t, newest); a.ModTime().After(b.ModTime()) {
				newest = e
			}
		}
		return strings.TrimSuffix(newest.Name(), ".json")
	}
	oldVer := build()

	const token = "0123456789abcdef0123456789abcdef"
	t.Setenv("NOTIS_ADMIN_TOKEN", token)
	t.Setenv("NOTIS_HASH_KEY", "")
	serverArgs := []string{"--config", src, "--versions", versions, "--db", "sqlite:" + filepath.Join(t.TempDir(), "consent.db")}
	base, stop := startConsent(t, serverArgs...)
	id := uuid.NewString()
	postOld := func() {
		t.Helper()
		body := fmt.Sprintf(`{"v":1,"event":%q,"id":%q,"site":"careers","version":%q,"lang":"sv","choices":{"necessary":true,"analytics":false},"method":"custom","gpc":false,"url":"https://careers.example.org/jobs"}`,
			uuid.NewString(), id, oldVer)
		req, _ := http.NewRequest("POST", base+"/v1/consents", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		req.Header.Set("Origin", "https://careers.example.org")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("an event of the old version %s: %d %s", oldVer, res.StatusCode, answer)
		}
	}
	postOld()
	stop() // the deploy restarts the server too

	// The new deploy: a cookie lasts a month less, so the version changes,
	// and the old version's file is gone from the deployment.
	for _, lang := range []string{"en", "sv"} {
		p := filepath.Join(src, "content", "necessio", "cookies."+lang+".md")
		md, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.Replace(string(md), "duration: P6M", "duration: P5M", 1)
		if changed == string(md) {
			t.Fatalf("%s has no cookie lasting P6M to change", p)
		}
		if err := os.WriteFile(p, []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	newVer := build()
	if newVer == oldVer {
		t.Fatalf("changing a cookie kept the consent version %s", oldVer)
	}
	if err := os.Remove(filepath.Join(versions, oldVer+".json")); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}

	base, _ = startConsent(t, serverArgs...)
	postOld() // from a visitor whose cached page still runs the old banner

	req, _ := http.NewRequest("GET", base+"/v1/consents/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var h struct {
		Records []struct {
			Version, Shown string
		}
		Versions map[string]struct {
			Version    string
			Texts      map[string]map[string]string
			Categories []struct {
				ID      string
				Cookies []struct{ Name, Period string }
			}
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil || res.StatusCode != http.StatusOK || len(h.Records) != 2 {
		t.Fatalf("history: %d, %v, %+v", res.StatusCode, err, h)
	}
	doc, ok := h.Versions[h.Records[1].Shown]
	if !ok || doc.Version != oldVer || doc.Texts["sv"]["accept_all"] == "" || doc.Texts["en"]["accept_all"] == "" {
		t.Fatalf("the history does not show the old version's texts: %+v", h)
	}
	raw, _ := json.Marshal(doc.Categories)
	if !strings.Contains(string(raw), `"Period":"P6M"`) || strings.Contains(string(raw), "P5M") {
		t.Errorf("the history shows the new cookie declarations, not the old: %s", raw)
	}
}

func info(t *testing.T, e os.DirEntry) os.FileInfo {
	t.Helper()
	fi, err := e.Info()
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// startConsent runs `notis consent` with args on a free loopback port
// until stop or the test's end, and returns its base URL once it listens.
func startConsent(t *testing.T, args ...string) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	orig := consentContext
	consentContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	pr, pw := io.Pipe()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	exited := make(chan string, 1)
	go func() {
		var out strings.Builder
		code := run(append([]string{"consent", "--listen", "127.0.0.1:0", "--log-level", "info"}, args...), &out, pw)
		pw.Close()
		exited <- fmt.Sprintf("exit %d %s", code, out.String())
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-exited
			consentContext = orig
		})
	}
	t.Cleanup(stop)
	select {
	case a := <-addr:
		return "http://" + a, stop
	case why := <-exited:
		exited <- why
		t.Fatalf("notis consent stopped before listening: %s", why)
	case <-time.After(30 * time.Second):
		t.Fatal("notis consent did not listen within 30 s")
	}
	return "", stop
}
