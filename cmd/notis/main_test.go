package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLIExitCodesAndHelp(t *testing.T) {
	if code, _, errs := runCLI(); code != 2 || !strings.Contains(errs, "Commands:") {
		t.Fatalf("no args: exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI("biuld"); code != 2 || !strings.Contains(errs, `unknown command "biuld"`) {
		t.Fatalf("unknown command: exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI("build", "--bogus"); code != 2 || !strings.Contains(errs, "flag provided but not defined: -bogus") || !strings.Contains(errs, "usage: notis build") {
		t.Fatalf("bad flag: exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI("build", "--baseURL", "privacy.example.org"); code != 2 || !strings.Contains(errs, "want an absolute http(s) URL") || !strings.Contains(errs, "usage: notis build") {
		t.Fatalf("bad --baseURL: exit %d, %q", code, errs)
	}
	code, _, errs := runCLI("build", "-h")
	if code != 0 || strings.Count(errs, "usage: notis build") != 1 || !strings.Contains(errs, "-destination") {
		t.Fatalf("build -h: exit %d, printed usage %d times:\n%s", code, strings.Count(errs, "usage: notis build"), errs)
	}
	if code, out, _ := runCLI("help", "build"); code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "-lint") {
		t.Fatalf("help build: exit %d:\n%s", code, out)
	}
	if code, out, _ := runCLI("version"); code != 0 || !strings.HasPrefix(out, "notis ") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
}

func TestBuildReportsContentErrorsWithExitCode1(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := runCLI("build", "--source", dir)
	if code != 1 || !strings.Contains(errs, "no notis.toml here") {
		t.Fatalf("exit %d, %q", code, errs)
	}
}

// Lint errors fail the build with exit 1, print their findings and leave
// nothing behind; a clean site builds.
func TestBuildFailsOnLintErrorsAndWritesNothing(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	code, _, errs := runCLI("build", "--source", "../../internal/build/testdata/site", "--destination", dest)
	if code != 1 || !strings.Contains(errs, "error controller.legal-entity-missing") || !strings.Contains(errs, "build failed: nothing was written") {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	// The summary has no file or rule of its own: it reads as one.
	if !strings.Contains(errs, "\nerror: lint: ") || strings.Contains(errs, ": error error:") {
		t.Errorf("the lint's summary is printed as a finding of no file:\n%s", errs)
	}
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a build that failed the lint wrote %s (%v)", dest, err)
	}
	code, out, errs := runCLI("build", "--source", "../..", "--destination", dest)
	if code != 0 || !strings.Contains(out, "Built ") {
		t.Fatalf("example site: exit %d\n%s%s", code, out, errs)
	}
}
