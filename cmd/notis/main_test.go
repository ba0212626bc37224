package main

import (
	"bytes"
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
