package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/audit"
	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/site"
)

func init() {
	register(command{
		name:    "audit",
		summary: "check the live site against its notices in headless Chromium",
		usage:   "notis audit URL… [--source DIR] [--format text|json|sarif|github] [--pages N] [--timeout D] [--baseline FILE]",
		help: `
Loads each URL, and up to N same-site pages it links to, in headless
Chromium (Debian's chromium package; --chrome for another path), in five
states, each in a fresh profile: (a) no action, (b) Reject all, (c) Accept
all, (d) Global Privacy Control on, (e) Accept all, then withdraw every
category. It records every cookie (through the DevTools protocol, HttpOnly
and third-party ones too), localStorage and sessionStorage keys, and every
request to another host, and judges them against the notices in DIR, loaded
as notis build loads them (with --org ORG, those in DIR/content/ORG/ only:
one organisation's website of a site that holds several):

  https://jobs.example.org/ [gpc]: error tracker.gpc: connect.facebook.net
    (Meta Pixel, marketing) was contacted with Global Privacy Control on,
    before any choice — seen: GET https://connect.facebook.net/… — fix: …

Rules: an undeclared cookie (with the front matter line that declares it),
a declared cookie never seen (info), a cookie or known tracker before any
choice, after Reject all or under GPC, a cookie outliving its declared
duration, a cookie left after withdrawal, a banner missing or without
Reject all, no proof sent to the consent server. Every rule: docs/audit.md.

The notis banner is found by its stable hooks. For another banner give CSS
selectors (--accept, --reject, --open-preferences); without them only
states (a) and (d) are audited, and the report says what was not checked.

Exit status: 0 clean (warnings and infos allowed), 1 when any finding is an
error (after --baseline), 2 for a usage error.

Examples:
  notis audit https://jobs.example.org/
  notis audit https://jobs.example.org/ --pages 10 --format sarif > audit.sarif
  notis audit https://jobs.example.org/ --format json > audit-baseline.json   # accept today's findings…
  notis audit https://jobs.example.org/ --baseline audit-baseline.json        # …and fail only on new ones
  notis audit https://example.org/ --accept '#cmp-accept' --reject '#cmp-reject' --open-preferences '.cmp-settings'
  notis audit https://careers.essex.example/ --org essex   # one organisation of several, against its own notices
`,
		run: runAudit,
	})
}

func runAudit(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit", stderr)
	source := fs.String("source", ".", "the site's folder (where notis.toml is): the notices to judge against")
	format := fs.String("format", "text", "output: text, json, sarif or github")
	pages := fs.Int("pages", 3, "same-site pages to audit besides each URL, found by its links")
	timeout := fs.Duration("timeout", 20*time.Second, "the longest one page may take in one state")
	chrome := fs.String("chrome", "", "Chromium's path (default: chromium on PATH)")
	accept := fs.String("accept", "", "CSS selector of another banner's Accept all control")
	reject := fs.String("reject", "", "CSS selector of another banner's Reject all control")
	prefs := fs.String("open-preferences", "", "CSS selector that reopens another banner's preferences")
	baseline := fs.String("baseline", "", "a JSON report (--format json) whose findings are accepted")
	known := fs.String("known", "", "your own table of cookies and tracker hosts (see docs/audit.md)")
	org := fs.String("org", "", "judge against one organisation's notices (a folder of notis.toml [consent.notices]), not every notice's")
	// URLs may come before or after the flags.
	var urls []string
	for {
		if err := parseFlags(fs, args, true); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		urls = append(urls, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(urls) == 0 {
		return usagef("no URL to audit, e.g. notis audit https://jobs.example.org/")
	}
	for _, u := range urls {
		if err := audit.CheckURL(u); err != nil {
			return usageError{err.Error()}
		}
	}
	if !slices.Contains(audit.Formats, *format) {
		return usagef("--format %q: want one of %s", *format, strings.Join(audit.Formats, ", "))
	}
	if *pages < 0 || *timeout <= 0 {
		return usagef("--pages must be 0 or more and --timeout positive")
	}
	st, loadErr := build.Load(*source, "")
	if st == nil {
		return loadErr
	}
	// A notice that does not load cannot be judged against: the audit
	// judges against the others, and reports it, in every format, and
	// fails.
	unread := audit.Unread(loadErr, *source)
	knownCookies, trackers := audit.NewKnown(), audit.NewTrackers()
	if *known != "" {
		if err := knownCookies.AddFile(*known, trackers); err != nil {
			if werr := writeDiagnostics(stderr, err, "."); werr != nil {
				return werr
			}
			fmt.Fprintf(stderr, "notis audit: --known %s was not taken: nothing was audited\n", *known)
			return exitError{1}
		}
	}
	var accepted audit.Baseline
	if *baseline != "" {
		var err error
		if accepted, err = audit.ReadBaseline(*baseline); err != nil {
			return fmt.Errorf("--baseline: %w", err)
		}
	}
	if orgs := organisations(st); *org != "" && !slices.Contains(orgs, *org) {
		return usagef("--org %s: content/%s/ holds no notice (organisations: %s)", *org, *org, cmp.Or(strings.Join(orgs, ", "), "none"))
	} else if *org == "" && len(st.Config.Consent.Notices) > 0 {
		fmt.Fprintf(stderr, "notis audit: judging against every organisation's notices; --org judges one organisation's website against its own (%s)\n", strings.Join(orgs, ", "))
	}
	site := audit.SiteFrom(st, *source, *org)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, runErr := audit.Run(ctx, audit.Options{
		URLs: urls, Pages: *pages, Timeout: *timeout, Chrome: *chrome, Endpoint: site.Endpoint,
		Controls: audit.Controls{Accept: *accept, Reject: *reject, OpenPreferences: *prefs},
	})
	if runErr != nil {
		return runErr
	}
	findings := audit.Judge(res, site, knownCookies, trackers)
	rep := audit.Report{Findings: findings, Result: res, Anchor: site.Anchor(*source)}
	rep.Findings, rep.Accepted = accepted.Filter(findings)
	// No baseline accepts a notice the audit could not read.
	rep.Findings = append(unread, rep.Findings...)
	if err := audit.Write(stdout, *format, rep); err != nil {
		return err
	}
	e, w, i := audit.Count(rep.Findings)
	if *format == "text" {
		fmt.Fprintf(stderr, "notis audit: %d pages in %.1f s, %d errors, %d warnings, %d infos", len(res.Pages), res.Elapsed.Seconds(), e, w, i)
		if rep.Accepted > 0 {
			fmt.Fprintf(stderr, ", %d accepted by the baseline", rep.Accepted)
		}
		fmt.Fprintln(stderr)
	}
	if e > 0 || loadErr != nil {
		return exitError{1}
	}
	return nil
}

// organisations are the folders under content/ that hold notices.
func organisations(st *build.Site) []string {
	var orgs []string
	for _, p := range st.Pages {
		if f := site.Folder(p.Notice.File); f != "" && !slices.Contains(orgs, f) {
			orgs = append(orgs, f)
		}
	}
	slices.Sort(orgs)
	return orgs
}
