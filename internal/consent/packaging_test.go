package consent

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// packaging is the operators' files: the systemd units and the
// Prometheus rules (docs/consent-server.md).
const packaging = "../../packaging"

// tool finds a command the test drives, skipping without it unless CI
// is set, where a missing tool is a failure (scripts/test-deps.sh
// installs both).
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (scripts/test-deps.sh installs it)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return path
}

// The units parse without a warning: systemd-analyze verify prints
// unknown keys and bad values (and exits 0 for them), so any output fails.
func TestTheSystemdUnitsVerify(t *testing.T) {
	analyze := tool(t, "systemd-analyze")
	dir := t.TempDir()
	// verify checks that ExecStart's binary exists: stand one in.
	notis := filepath.Join(dir, "notis")
	if err := os.WriteFile(notis, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var units []string
	for _, name := range []string{"notis-consent.service", "notis-consent-backup.service", "notis-consent-backup.timer"} {
		data, err := os.ReadFile(filepath.Join(packaging, "systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.ReplaceAll(data, []byte("/usr/local/bin/notis"), []byte(notis))
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		units = append(units, filepath.Join(dir, name))
	}
	cmd := exec.Command(analyze, append([]string{"verify", "--man=no"}, units...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	unit, _ := os.ReadFile(filepath.Join(packaging, "systemd", "notis-consent.service"))
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=notis", "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "UMask=0077"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the service lacks %q", strings.TrimSpace(want))
		}
	}
}

func TestThePrometheusRulesCheck(t *testing.T) {
	promtool := tool(t, "promtool")
	rules := filepath.Join(packaging, "prometheus", "notis-consent.rules.yml")
	out, err := exec.Command(promtool, "check", "rules", rules).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("SUCCESS")) {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	// Every metric the rules name is one the server exports.
	data, _ := os.ReadFile(rules)
	s := newServer(t, sqliteStore(t), nil)
	post(s, validEvent().body())
	// Label sets appear once used; use one of each vector the rules read.
	s.metrics.storeErrors.WithLabelValues("insert")
	s.metrics.shed.WithLabelValues("queue_slow")
	metrics := adminReq(s, "GET", "/metrics", "").Body.String()
	for _, name := range []string{"notis_consent_ready", "notis_consent_store_errors_total", "notis_consent_shed_total", "notis_consent_queue_oldest_seconds",
		"notis_consent_disk_free_bytes", "notis_consent_requests_total"} {
		if !bytes.Contains(data, []byte(name)) {
			t.Errorf("no rule uses %s", name)
		}
		if !strings.Contains(metrics, "# TYPE "+name+" ") {
			t.Errorf("the server does not export %s", name)
		}
	}
}
