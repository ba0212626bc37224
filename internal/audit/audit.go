// Package audit checks a live site against its own notices, the way a
// regulator's auditor would: it loads each page in headless Chromium in
// five states (no action, Reject all, Accept all, Global Privacy Control
// on, Accept all then withdraw), records every cookie, storage key and
// request to another host, and judges what it saw against the cookies the
// notices declare.
//
// One job a file: record.go drives a page through a state, controls.go
// finds a banner's buttons, judge.go and rules.go turn observations into
// findings, report.go prints them, known.go and trackers.go are the data
// the judge guesses with, baseline.go accepts known findings.
package audit

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

// Options configure a run.
type Options struct {
	URLs     []string      // pages to start from
	Pages    int           // same-site pages to add per start URL, found by links
	Timeout  time.Duration // per page and state; default 20 s
	Chrome   string        // Chromium's path; "" finds it on PATH
	Controls Controls      // selectors for a banner other than notis's
	// Endpoint is the consent server's base URL ([consent] endpoint):
	// after a choice the notis banner must POST to Endpoint/v1/consents.
	Endpoint string
	// ChromeFlags are extra Chromium switches, e.g. host-resolver-rules.
	ChromeFlags map[string]any
	// States to run; nil runs all five (tests run fewer to stay cheap).
	States []State
}

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return 20 * time.Second
}

// idleLimit bounds each wait for the network to settle or for a proof to
// be sent: a page that never settles costs this, not the whole timeout.
func (o *Options) idleLimit() time.Duration { return min(o.timeout()/3, 5*time.Second) }

// bannerWait bounds the wait for a banner that was not there once the
// page had settled.
func (o *Options) bannerWait() time.Duration { return min(o.timeout()/4, 5*time.Second) }

// PageResult is one audited page.
type PageResult struct {
	URL     string
	States  map[State]*Observation // a state missing was not run (see Notes)
	Notes   []string               // what could not be checked on this page
	Elapsed time.Duration          // wall time for all its states
}

// Result is a whole run.
type Result struct {
	Pages   []*PageResult
	Elapsed time.Duration
}

// CheckURL says why a start URL cannot be audited.
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("%q: want an absolute http(s) URL, like https://jobs.example.org/", u)
	}
	return nil
}

// Run audits every start URL and up to opts.Pages same-site pages linked
// from each, in one Chromium process.
func Run(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	for _, u := range opts.URLs {
		if err := CheckURL(u); err != nil {
			return nil, err
		}
	}
	path, err := FindChromium(opts.Chrome)
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "notis-audit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(profile)
	b, err := launch(ctx, path, profile, opts.ChromeFlags)
	if err != nil {
		return nil, err
	}
	defer b.close()
	res := run(b, opts)
	res.Elapsed = time.Since(start)
	return res, nil
}

// run audits the pages in an already running Chromium.
func run(b *browser, opts Options) *Result {
	start := time.Now()
	res := &Result{}
	done := map[string]bool{}
	for _, start := range opts.URLs {
		queue := []string{start}
		for i := 0; i < len(queue) && i <= opts.Pages; i++ {
			u := queue[i]
			if done[u] {
				continue
			}
			done[u] = true
			pr := auditPage(b, &opts, u)
			res.Pages = append(res.Pages, pr)
			if ld := pr.States[Load]; ld != nil {
				for _, l := range ld.Links {
					if !slices.Contains(queue, l) && !done[l] {
						queue = append(queue, l)
					}
				}
			}
		}
	}
	res.Elapsed = time.Since(start)
	return res
}

// auditPage runs the five states of one page side by side, each in its
// own browser context, so they cannot see each other's cookies. A state
// that needs a banner and finds none says so in its notes.
func auditPage(b *browser, opts *Options, u string) *PageResult {
	start := time.Now()
	pr := &PageResult{URL: u, States: map[State]*Observation{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	states := opts.States
	if states == nil {
		states = States
	}
	for _, s := range states {
		wg.Go(func() {
			o := record(b, opts, u, s)
			mu.Lock()
			pr.States[s] = o
			mu.Unlock()
		})
	}
	wg.Wait()
	ld := pr.States[Load]
	if ld == nil {
		ld = &Observation{Banner: true} // not run: nothing to say about the banner
	}
	switch {
	case ld.Failure != "" && !ld.Banner:
		pr.Notes = append(pr.Notes, "no banner was found, because the page could not be loaded: Reject all, Accept all and withdrawal not tested")
	case !ld.Banner && !opts.Controls.Custom():
		pr.Notes = append(pr.Notes, "no notis banner was found, and no --accept/--reject selectors were given for another banner: Reject all, Accept all and withdrawal not tested")
	case !ld.Banner:
		pr.Notes = append(pr.Notes, "nothing matched --accept or --reject: Reject all, Accept all and withdrawal not tested")
	}
	if opts.Controls.Custom() && opts.Controls.Reject == "" {
		pr.Notes = append(pr.Notes, "Reject all not tested: no --reject selector was given")
	}
	if opts.Controls.Custom() && opts.Endpoint == "" {
		pr.Notes = append(pr.Notes, "proof of consent not checked: no consent endpoint is known for another banner")
	}
	pr.Elapsed = time.Since(start)
	return pr
}
