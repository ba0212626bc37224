package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/gcpace"
	"github.com/notis-dev/notis/internal/lint"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/site"
)

func init() {
	register(command{
		name:    "build",
		summary: "build the site: every notice in every language, into public/",
		usage:   "notis build [--source DIR] [--destination DIR] [--baseURL URL] [--lint error|warn|off] [--quiet]",
		help: `
Reads notis.toml and content/*.md in the source folder and writes the
static site: one page per notice and language, an index per language,
a root page that sends visitors to their language, sitemap.xml,
404.html and notices.json. Output is minified, deterministic (the same
input gives the same bytes) and swapped in atomically: a failed build
leaves the previous output untouched.

Files in the site's static/ folder (CNAME, .nojekyll, _headers,
robots.txt, favicons, .well-known/...) are copied to the output as they
are.

The destination must be new, empty, or a folder notis built: its
.notis-manifest lists what notis wrote, and a build removes nothing
else. A folder holding anything else, the site folder, a folder holding
it and the site's source folders (content, layouts, assets, i18n,
widget, static) are refused with exit status 2. Content-addressed files
of earlier builds (consent/versions/*.json, hashed bundles) are kept.
See docs/build.md.

Every mistake in every notice is reported at once, as file:line:col
with the field, what was found and what is accepted.

While the pages are rendered, a terminal shows how many notices are
done; a log (CI) gets a line every 10 seconds, so a large site's build
is never silent for long. --quiet shows neither.

Exit status: 0 built, 1 content errors, 2 usage errors or a destination
the build may not write into.

Examples:
  notis build                          # the site in this folder, into ./public
  notis build --source site --destination /tmp/out
  notis build --baseURL https://privacy.example.org/ --quiet
  notis build --lint=warn              # publish even with lint errors

The lint (see 'notis help lint') runs first: its errors fail the build.`,
		run: runBuild,
	})
}

func runBuild(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("build", stderr)
	source := fs.String("source", ".", "the site folder, which holds notis.toml")
	dest := fs.String("destination", "public", "where to write the site (relative to --source unless absolute)")
	baseURL := fs.String("baseURL", "", "the URL the site is published at; overrides notis.toml")
	quiet := fs.Bool("quiet", false, "print errors only, not the summary")
	lintMode := fs.String("lint", "error", "error: lint errors fail the build; warn: report them but build; off: skip the lint")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if !slices.Contains([]string{"error", "warn", "off"}, *lintMode) {
		return usagef("--lint %q: want error, warn or off", *lintMode)
	}
	if *baseURL != "" {
		// The flag's value, not the site, is wrong: a usage error (exit 2).
		var probe site.Config
		if err := probe.SetBaseURL(*baseURL); err != nil {
			return usagef("--baseURL: %v", err)
		}
	}
	opts := build.Options{Source: *source, Destination: *dest, BaseURL: *baseURL}
	if *lintMode != "off" {
		opts.Lint = &buildLint{stderr: stderr, source: *source, failOnError: *lintMode == "error"}
	}
	opts.Generator = "notis " + buildVersion()
	if !*quiet {
		opts.Progress = progressTo(stderr)
	}
	defer gcpace.Start(batchHeadroom, nil)()
	res, err := build.Build(opts)
	var refused *build.DestinationError
	if errors.As(err, &refused) {
		fmt.Fprintf(stderr, "notis build: %s\nNothing was written.\n", refused)
		return exitError{2}
	}
	if err != nil {
		if werr := writeDiagnostics(stderr, err, *source); werr != nil {
			return werr
		}
		fmt.Fprintln(stderr, "build failed: nothing was written")
		return exitError{1}
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if !*quiet {
		printSummary(stdout, res)
	}
	return nil
}

// progressTo shows a long build's progress on w: on a terminal, one line
// rewritten in place and cleared at the end; in a log (CI), a line every
// progressLogEvery, so a large site's build is never silent for long and
// a small one's log gains nothing.
func progressTo(w io.Writer) func(done, total int) {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return func(done, total int) {
				if done == total {
					fmt.Fprint(w, "\r\033[K")
					return
				}
				fmt.Fprintf(w, "\rRendering notices: %d of %d", done, total)
			}
		}
	}
	start := time.Now()
	next := progressLogEvery
	return func(done, total int) {
		if done < total && time.Since(start) >= next {
			fmt.Fprintf(w, "rendered %d of %d notices (%d %%) in %s\n", done, total, done*100/total, time.Since(start).Round(time.Second))
			next += progressLogEvery
		}
	}
}

// progressLogEvery is how often a build writing to a log says how far it is.
var progressLogEvery = 10 * time.Second

func printSummary(w io.Writer, res *build.Result) {
	langs := make([]string, 0, len(res.PagesByLang))
	for l := range res.PagesByLang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	var parts []string
	total := 0
	for _, l := range langs {
		parts = append(parts, fmt.Sprintf("%s %d", l, res.PagesByLang[l]))
		total += res.PagesByLang[l]
	}
	fmt.Fprintf(w, "Built %d pages (%s) from %d notices into %s\n", total, strings.Join(parts, ", "), res.Notices, res.Destination)
	if res.Banner != "" {
		fmt.Fprintf(w, "  %s\n", res.Banner)
	}
	fmt.Fprintf(w, "  %d files, %.1f KiB, %d warnings, in %s\n", res.Files, float64(res.Bytes)/1024, len(res.Warnings), res.Duration.Round(time.Millisecond))
}

// buildLint runs the lint inside the build: it checks each notice with
// its translations as the build reads them, then prints the findings as
// `notis lint` prints them, before anything is swapped in; errors fail
// the build unless failOnError is false (--lint=warn).
type buildLint struct {
	stderr      io.Writer
	source      string // the site folder as --source gave it
	failOnError bool

	once     sync.Once
	opts     lint.Options
	mu       sync.Mutex
	findings []lint.Finding
}

func (l *buildLint) Check(s *build.Site, notices []*notice.Notice) {
	l.once.Do(func() { l.opts = lint.Options{Categories: s.Categories(), Dated: s.Dated(), Known: s.Has} })
	found := lint.Check(notices, l.opts)
	l.mu.Lock()
	l.findings = append(l.findings, found...)
	l.mu.Unlock()
}

func (l *buildLint) Done(*build.Site) ([]string, error) {
	l.mu.Lock()
	findings := l.findings
	l.mu.Unlock()
	lint.Sort(findings)
	// Infos are advice for `notis lint`; a build shows what needs action.
	shown := slices.DeleteFunc(slices.Clone(findings), func(f lint.Finding) bool { return f.Severity < lint.Warning })
	if err := lint.Write(l.stderr, "text", placed(shown, l.source)); err != nil {
		return nil, err
	}
	e, w, _ := lint.Count(findings)
	if e > 0 && l.failOnError {
		return nil, fmt.Errorf("lint: %d errors and %d warnings in the notices above; fix them, or build with --lint=warn to publish anyway", e, w)
	}
	var warnings []string
	if e+w > 0 {
		warnings = append(warnings, fmt.Sprintf("lint: %d errors and %d warnings (see above)", e, w))
	}
	return warnings, nil
}

// writeDiagnostics prints each problem in err as the lint prints a
// finding: place, rule, message, fix and the file's line with a caret;
// source is the site folder as the command line gave it.
func writeDiagnostics(w io.Writer, err error, source string) error {
	var shown []lint.Finding
	for _, d := range diag.Collect(err) {
		shown = append(shown, *d)
	}
	return lint.Write(w, "text", placed(shown, source))
}

// batchHeadroom is the least room the collector gives the heap in a
// batch command (build, lint): a small site's build then collects about
// a third as often (17 % less CPU at 1,000 notices), and a large one
// still gets the pacer's three quarters of the live heap (docs/build.md).
const batchHeadroom = 32 << 20
