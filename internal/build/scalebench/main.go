// Command scalebench measures how `notis build` scales with the size of a
// site, and how it compares with Hugo, in one run on one machine: it
// generates the synthetic sites (internal/build/synth), builds the real
// notis binary, and times a cold `notis build` (lint included, into an
// empty folder) as a child process at each size, reading the child's
// peak RSS and user+sys CPU time from its rusage. The first size is the
// baseline the others are compared with (CPU×: each generator against its
// own baseline). When hugo is on PATH (or given
// with -hugo) it also builds the Hugo twin of each site (the same
// content files, see synth.GenerateHugo) with `hugo --quiet` into an
// empty folder with an empty cache, and prints notis's wall time and CPU
// time as fractions of Hugo's (the target is on wall time; on a machine
// shared with other work CPU time is the steadier of the two); without
// hugo it says so. With hugo it also times notis doing the twin's work
// (notis-twin: the same content with layouts that show what the twin's
// show, synth.TwinFiles, and the lint off), so the time against Hugo
// splits into what the pipeline costs and what notis's pages and lint
// add. Each run also times the file system floor (io-floor: reading
// the site's notices once and writing files of the sizes and at the
// paths of notis's output, and nothing else, see floor.go), the time
// below which no build of that site can go on this machine. Every
// output is kept until the run ends (about 3 GB a round at 10,000
// notices), so no build is timed in the wake of another's deletion.
//
//	go run ./internal/build/scalebench                    # 1,000 and 10,000 notices
//	go run ./internal/build/scalebench -sizes 1000 -runs 3
//
// The targets (issue 12) are printed beside the figures: peak RSS
// ≤ 160 MiB at 1,000 notices and ≤ 200 MiB at 10,000, CPU at 10,000
// ≤ 11× that at 1,000, and a cold build ≤ 0.45× Hugo's time.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/notis-dev/notis/internal/build/synth"
)

// Targets, from issue 12.
const (
	cpuRatioTarget = 11   // CPU at 10,000 notices ÷ CPU at 1,000
	hugoTarget     = 0.45 // notis's cold build time ÷ Hugo's, at any size
)

// rssTarget is the peak RSS allowed at a number of notices, in MiB.
var rssTarget = map[int]int64{1000: 160, 10000: 200}

func main() {
	sizes := flag.String("sizes", "1000,10000", "notice counts to build (× 2 languages), the first being the baseline")
	runs := flag.Int("runs", 1, "cold builds per size and generator; the median time and the largest RSS are reported")
	hugoBin := flag.String("hugo", "", "the hugo binary; default: hugo on PATH, if any")
	keep := flag.Bool("keep", false, "keep the generated sites and outputs (their folder is printed)")
	floor := flag.Bool("io-floor", false, "with arguments SRC LIST DEST: only read every file under SRC and write LIST's files under DEST (what scalebench runs as its own child to time the file system floor)")
	flag.Parse()
	if *floor {
		if flag.NArg() != 3 {
			fail(fmt.Errorf("-io-floor takes SRC LIST DEST"))
		}
		if err := ioFloor(flag.Arg(0), flag.Arg(1), flag.Arg(2)); err != nil {
			fail(err)
		}
		return
	}
	var ns []int
	for f := range strings.SplitSeq(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-sizes: %q is not a notice count", f))
		}
		ns = append(ns, n)
	}
	if err := run(os.Stdout, ns, max(*runs, 1), *hugoBin, *keep); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scalebench:", err)
	os.Exit(1)
}

// measure is one generator's cold builds of one site.
type measure struct {
	wall, cpu time.Duration // medians
	sys       time.Duration // the median of the CPU time spent in the kernel, part of cpu
	rssKiB    int64         // the largest
}

func run(out io.Writer, sizes []int, runs int, hugoBin string, keep bool) error {
	tmp, err := os.MkdirTemp("", "notis-scalebench-")
	if err != nil {
		return err
	}
	// Every site and output stays until the run ends. Deleting thousands
	// of files makes the next build's file creations several times
	// dearer for about half a minute (ext4 here, measured 6 December
	// 2026: a 1,000-notice notis build right after deleting an earlier
	// output spent 2.9 s in the kernel against 0.6–1.2 s with nothing
	// deleted, and took 1 s longer), so deleting one tool's output
	// before timing the next would time the deletion, not the tool.
	if keep {
		fmt.Fprintln(out, "files in", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	notis := filepath.Join(tmp, "notis")
	if b, err := exec.Command("go", "build", "-o", notis, "github.com/notis-dev/notis/cmd/notis").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	hugo, hugoVersion := findHugo(hugoBin)
	if hugo == "" {
		fmt.Fprintln(out, "hugo: not found on PATH (-hugo to name it): no comparison with Hugo in this run")
	} else {
		fmt.Fprintf(out, "hugo: %s (%s)\n", hugoVersion, hugo)
	}
	fmt.Fprintf(out, "%d cold builds per size; lint included; median time, largest peak RSS\n", runs)
	if hugo != "" {
		fmt.Fprintln(out, "notis-twin: notis doing the Hugo twin's work (synth.TwinFiles: layouts that show what the twin's show, lint off)")
	}
	fmt.Fprintln(out, "io-floor: only reading the notices once and writing files the sizes of notis's output at its paths (no build can take less)")
	fmt.Fprintln(out)
	fmt.Fprintf(out, "%-8s %-10s %7s %9s %9s %9s %9s %8s %11s %10s\n", "notices", "tool", "pages", "wall", "CPU", "of it sys", "peak RSS", "CPU×", "÷hugo wall", "÷hugo CPU")
	var base, hugoBase measure
	var misses []string
	checked := 0
	for i, n := range sizes {
		dir := filepath.Join(tmp, fmt.Sprintf("site-%d", n))
		if err := synth.Generate(dir, n); err != nil {
			return err
		}
		var twin, notisTwin string
		if hugo != "" {
			twin = filepath.Join(tmp, fmt.Sprintf("hugo-%d", n))
			if err := synth.GenerateHugo(twin, n); err != nil {
				return err
			}
			notisTwin = filepath.Join(tmp, fmt.Sprintf("notis-twin-%d", n))
			if err := synth.GenerateTwinLayouts(notisTwin, n); err != nil {
				return err
			}
		}
		// Alternate the two generators, so a busy spell on a shared
		// machine falls on both rather than on one.
		var nm, hm, tm, fm []measure
		list := filepath.Join(tmp, fmt.Sprintf("output-%d.txt", n))
		for r := range runs {
			dest := filepath.Join(tmp, fmt.Sprintf("public-%d-%d", n, r))
			m, err := child(notis, "build", "--source", dir, "--destination", dest, "--quiet")
			if err != nil {
				return fmt.Errorf("notis build of %d notices: %w", n, err)
			}
			nm = append(nm, m)
			if r == 0 {
				if err := writeOutputList(dest, list); err != nil {
					return err
				}
			}
			fdest := filepath.Join(tmp, fmt.Sprintf("floor-%d-%d", n, r))
			m, err = child(self, "-io-floor", filepath.Join(dir, "content"), list, fdest)
			if err != nil {
				return fmt.Errorf("the file system floor of %d notices: %w", n, err)
			}
			fm = append(fm, m)
			if hugo != "" {
				hdest := filepath.Join(tmp, fmt.Sprintf("hugo-public-%d-%d", n, r))
				m, err := child(hugo, "--quiet", "--source", twin, "--destination", hdest, "--cacheDir", filepath.Join(tmp, fmt.Sprintf("hugo-cache-%d-%d", n, r)))
				if err != nil {
					return fmt.Errorf("hugo build of %d notices: %w", n, err)
				}
				hm = append(hm, m)
				tdest := filepath.Join(tmp, fmt.Sprintf("twin-public-%d-%d", n, r))
				m, err = child(notis, "build", "--source", notisTwin, "--destination", tdest, "--quiet", "--lint", "off")
				if err != nil {
					return fmt.Errorf("notis build of the twin's work, %d notices: %w", n, err)
				}
				tm = append(tm, m)
			}
		}
		m := summarise(nm)
		if i == 0 {
			base = m
			if hugo != "" {
				hugoBase = summarise(hm)
			}
		}
		ratio := float64(m.cpu) / float64(base.cpu)
		vsWall, vsCPU := "", ""
		if hugo != "" {
			h := summarise(hm)
			vsWall, vsCPU = fmt.Sprintf("%.2f", m.wall.Seconds()/h.wall.Seconds()), fmt.Sprintf("%.2f", m.cpu.Seconds()/h.cpu.Seconds())
		}
		fmt.Fprintf(out, "%-8d %-10s %7d %9s %9s %9s %5d MiB %7.1f× %11s %10s\n", n, "notis", 2*n, round(m.wall), round(m.cpu), round(m.sys), m.rssKiB/1024, ratio, vsWall, vsCPU)
		if hugo != "" {
			h, t := summarise(hm), summarise(tm)
			fmt.Fprintf(out, "%-8d %-10s %7d %9s %9s %9s %5d MiB %7.1f×\n", n, "hugo", 2*n, round(h.wall), round(h.cpu), round(h.sys), h.rssKiB/1024, float64(h.cpu)/float64(hugoBase.cpu))
			fmt.Fprintf(out, "%-8d %-10s %7d %9s %9s %9s %5d MiB %8s %11.2f %10.2f\n", n, "notis-twin", 2*n, round(t.wall), round(t.cpu), round(t.sys), t.rssKiB/1024, "", t.wall.Seconds()/h.wall.Seconds(), t.cpu.Seconds()/h.cpu.Seconds())
		}
		f := summarise(fm)
		vsWall, vsCPU = "", ""
		if hugo != "" {
			h := summarise(hm)
			vsWall, vsCPU = fmt.Sprintf("%.2f", f.wall.Seconds()/h.wall.Seconds()), fmt.Sprintf("%.2f", f.cpu.Seconds()/h.cpu.Seconds())
		}
		fmt.Fprintf(out, "%-8d %-10s %7d %9s %9s %9s %5d MiB %8s %11s %10s\n", n, "io-floor", 2*n, round(f.wall), round(f.cpu), round(f.sys), f.rssKiB/1024, "", vsWall, vsCPU)
		// The targets that apply to this size.
		if limit, ok := rssTarget[n]; ok {
			checked++
			if m.rssKiB/1024 > limit {
				misses = append(misses, fmt.Sprintf("peak RSS at %d notices: %d MiB, target ≤ %d MiB", n, m.rssKiB/1024, limit))
			}
		}
		if sizes[0] == 1000 && n == 10000 {
			checked++
			if ratio > cpuRatioTarget {
				misses = append(misses, fmt.Sprintf("CPU at 10,000 notices: %.1f× that at 1,000, target ≤ %d×", ratio, cpuRatioTarget))
			}
		}
		if hugo != "" {
			checked++
			if h := summarise(hm); m.wall.Seconds() > hugoTarget*h.wall.Seconds() {
				misses = append(misses, fmt.Sprintf("time at %d notices: %.2f× Hugo's, target ≤ %.2f×", n, m.wall.Seconds()/h.wall.Seconds(), hugoTarget))
			}
		}
	}
	fmt.Fprintf(out, "\n%d of %d targets met", checked-len(misses), checked)
	if hugo == "" {
		fmt.Fprint(out, " (the Hugo target not checked: no hugo)")
	}
	fmt.Fprintln(out)
	for _, m := range misses {
		fmt.Fprintln(out, "  missed:", m)
	}
	return nil
}

// writeOutputList writes outputList of root to the file named list.
func writeOutputList(root, list string) error {
	f, err := os.Create(list)
	if err != nil {
		return err
	}
	if err := outputList(root, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// child runs a command to its end and returns its wall time, user+sys
// CPU time and peak RSS.
func child(name string, args ...string) (measure, error) {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return measure{}, fmt.Errorf("%v\n%s", err, tail(stderr.String()))
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return measure{wall: wall, cpu: cpu, sys: time.Duration(ru.Stime.Nano()), rssKiB: ru.Maxrss}, nil // Maxrss: KiB on Linux
}

func summarise(ms []measure) measure {
	var walls, cpus, syss []time.Duration
	var out measure
	for _, m := range ms {
		walls = append(walls, m.wall)
		cpus = append(cpus, m.cpu)
		syss = append(syss, m.sys)
		out.rssKiB = max(out.rssKiB, m.rssKiB)
	}
	out.wall, out.cpu, out.sys = median(walls), median(cpus), median(syss)
	return out
}

// median is the middle of ds, or the mean of the two middle ones when
// there is an even number: the upper one alone would report the slower
// of two runs as their median.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// findHugo returns the hugo binary to compare with and its version line,
// or "" when there is none.
func findHugo(flagged string) (path, version string) {
	path = flagged
	if path == "" {
		p, err := exec.LookPath("hugo")
		if err != nil {
			return "", ""
		}
		path = p
	}
	b, err := exec.Command(path, "version").Output()
	if err != nil {
		fail(fmt.Errorf("%s version: %v", path, err))
	}
	return path, strings.TrimSpace(string(b))
}

func round(d time.Duration) string { return d.Round(10 * time.Millisecond).String() }

// tail is the end of a long error output.
func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}
