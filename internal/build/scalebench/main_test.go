package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo(t *testing.T) {
	for _, c := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{[]time.Duration{3}, 3},
		{[]time.Duration{4, 2}, 3}, // not the slower of the two
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{8, 1, 2, 4}, 3},
	} {
		if got := median(append([]time.Duration(nil), c.in...)); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestTheFloorWritesWhatTheBuildWrote(t *testing.T) {
	built, src, dest := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "out")
	for path, size := range map[string]int{"index.html": 10, "en/a/index.html": 300, "en/b/index.html": 0} {
		p := filepath.Join(built, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.Repeat([]byte("x"), size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "a.en.md"), []byte("---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(t.TempDir(), "list.txt")
	if err := writeOutputList(built, list); err != nil {
		t.Fatal(err)
	}
	if err := ioFloor(src, list, dest); err != nil {
		t.Fatal(err)
	}
	var want, got bytes.Buffer
	if err := outputList(built, &want); err != nil {
		t.Fatal(err)
	}
	if err := outputList(dest, &got); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() || !strings.Contains(got.String(), "300 en/a/index.html\n") {
		t.Errorf("the floor wrote\n%s\nwant\n%s", got.String(), want.String())
	}
}

func TestTheFloorRefusesAListItCannotRead(t *testing.T) {
	list := filepath.Join(t.TempDir(), "list.txt")
	if err := os.WriteFile(list, []byte("12 a.html\nten b.html\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := ioFloor(t.TempDir(), list, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), `"ten b.html\n"`) {
		t.Errorf("ioFloor = %v, want an error naming the line", err)
	}
}
