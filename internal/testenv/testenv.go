// Package testenv lets tests demand real tools (Chromium, PostgreSQL, Node)
// without hiding their absence: on a developer machine a missing tool skips
// the test with a hint, but under CI=true it fails, because a skipped test
// in CI is a test that silently stopped running.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// LookTool returns the path of a tool, or skips (locally) or fails (CI).
// The hint says how to install it, e.g. "run scripts/test-deps.sh".
func LookTool(t testing.TB, name, hint string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	Missing(t, name+" not found ("+hint+")")
	return ""
}

// Missing skips locally and fails in CI, with the reason.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if InCI() {
		t.Fatalf("required by this test in CI: %s", reason)
	}
	t.Skipf("skipped: %s (this fails under CI=true)", reason)
}
