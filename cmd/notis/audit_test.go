package main

import (
	"bytes"
	"strings"
	"testing"
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
