package consent

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent/store"
)

// TestNoAcknowledgedRecordIsLostWhenKilled runs the real binary under
// load, kills it with SIGKILL mid-stream, restarts it on the same file,
// and checks that every event answered 201 is stored and that SQLite's
// integrity check passes. (kill -9 tests "acknowledged after the write
// reached the OS"; power loss would need a fault-injecting filesystem.)
func TestNoAcknowledgedRecordIsLostWhenKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "notis")
	build := exec.Command("go", "build", "-o", bin, "github.com/notis-dev/notis/cmd/notis")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	siteDir := filepath.Join(dir, "site")
	if err := os.MkdirAll(siteDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(siteDir, "notis.toml"), []byte(testToml), 0o644); err != nil {
		t.Fatal(err)
	}
	writeVersion(t, filepath.Join(siteDir, "public", "consent", "versions"), testVer, "careers", "necessary", "analytics", "marketing")

	t.Run("sqlite", func(t *testing.T) {
		dbPath := filepath.Join(t.TempDir(), "consent.db")
		acked := killRounds(t, bin, siteDir, "sqlite:"+dbPath)
		st, err := store.OpenSQLite(context.Background(), dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.IntegrityCheck(context.Background()); err != nil {
			t.Fatal(err)
		}
		checkStored(t, st, acked)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pg.Database(t)
		acked := killRounds(t, bin, siteDir, dsn)
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		checkStored(t, st, acked)
	})
}

const killRoundCount, ackedPerRound = 3, 1500

// killRounds runs load, kill -9 and restart three times on one store and
// returns every event id answered 201.
func killRounds(t *testing.T, bin, siteDir, dsn string) map[string]bool {
	acked := map[string]bool{}
	key := filepath.Join(t.TempDir(), "hash.key") // one key for the store's life, as in production
	for round := range killRoundCount {
		addr, proc := startBinary(t, bin, siteDir, dsn, key)
		got := load(t, addr, proc, ackedPerRound)
		for _, id := range got {
			acked[id] = true
		}
		t.Logf("round %d: %d events acknowledged before kill -9", round, len(got))
	}
	if len(acked) < killRoundCount*ackedPerRound {
		t.Fatalf("only %d events acknowledged; the load did not run", len(acked))
	}
	return acked
}

func checkStored(t *testing.T, st store.Store, acked map[string]bool) {
	t.Helper()
	stored := map[string]bool{}
	if err := st.Export(context.Background(), store.Filter{}, func(r *store.Record) error {
		stored[r.EventID] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	missing := 0
	for id := range acked {
		if !stored[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged events are missing after kill -9", missing, len(acked))
	}
	t.Logf("%d acknowledged, %d stored (the difference was committed but never answered)", len(acked), len(stored))
}

// startBinary runs `notis consent` on a free port and returns its address
// once it logs that it listens.
func startBinary(t *testing.T, bin, siteDir, dsn, key string) (string, *os.Process) {
	t.Helper()
	cmd := exec.Command(bin, "consent", "--config", siteDir, "--listen", "127.0.0.1:0", "--db", dsn,
		"--client-rate", "0", "--consent-rate", "0", "--hash-key-file", key)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		var entry struct{ Msg, Addr string }
		if json.Unmarshal(lines.Bytes(), &entry) == nil && entry.Msg == "listening" {
			go io.Copy(io.Discard, stderr) // keep the pipe drained
			return entry.Addr, cmd.Process
		}
	}
	t.Fatalf("server exited before listening: %v", lines.Err())
	return "", nil
}

// load posts events from 32 clients, kills the server with SIGKILL once
// `before` events are acknowledged, and returns the acknowledged ids.
func load(t *testing.T, addr string, proc *os.Process, before int64) []string {
	t.Helper()
	var (
		mu     sync.Mutex
		acked  []string
		count  atomic.Int64
		killed = make(chan struct{})
		once   sync.Once
		wg     sync.WaitGroup
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
	deadline := time.Now().Add(time.Minute) // bounds a run that sheds everything
	defer client.CloseIdleConnections()
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-killed:
					return
				default:
				}
				if time.Now().After(deadline) {
					return
				}
				ev := validEvent().with("event", uuid.NewString())
				req, _ := http.NewRequest("POST", "http://"+addr+"/v1/consents", strings.NewReader(ev.body()))
				req.Header.Set("Origin", testOrigin)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusServiceUnavailable {
					continue // shed under overload (a busy machine): not acknowledged, as the banner would retry
				}
				if resp.StatusCode != http.StatusCreated {
					t.Errorf("status %d under load", resp.StatusCode)
					return
				}
				mu.Lock()
				acked = append(acked, ev["event"].(string))
				mu.Unlock()
				if count.Add(1) >= before {
					once.Do(func() {
						if err := proc.Kill(); err != nil { // SIGKILL, mid-stream
							t.Error(err)
						}
						close(killed)
					})
				}
			}
		}()
	}
	wg.Wait()
	once.Do(func() { proc.Kill(); close(killed) })
	proc.Wait()
	mu.Lock()
	defer mu.Unlock()
	return acked
}
