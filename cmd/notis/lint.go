package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/gcpace"
	"github.com/notis-dev/notis/internal/lint"
	"github.com/notis-dev/notis/internal/notice"
)

func init() {
	register(command{
		name:    "lint",
		summary: "check notices against GDPR Art 13/14, citing the article and the fix",
		usage:   "notis lint [--source DIR] [--format text|json|sarif|github] [--as-of YYYY-MM-DD] [--strict]",
		help: `
Checks every notice in DIR/content against GDPR Articles 13 and 14 and the
UK and Swedish rules around them: controller and DPO, a basis per purpose,
legitimate interests stated, transfers with a safeguard valid on the day,
retention, withdrawal of consent, the supervisory authority, Art 14
sources, special-category and criminal-offence data, cookies, translations
that agree, and the prose (implied cookie consent, vague lists, outdated
names and laws).

Each finding names the file, line and column, the rule, the article it
enforces and the fix:

  content/candidates.sv.md:12:1: error sa.stale-name: notice "candidates" (sv),
    supervisory_authority: Datainspektionen ceased to exist under that name
    after 2020-12-31 (Art 13(2)(d); Art 14(2)(e); Art 77) — fix: use
    supervisory_authority: imy (Integritetsskyddsmyndigheten (IMY))

A notice that does not parse or decode is a finding too, in every format
and in the count (syntax.yaml, syntax.toml, syntax.json,
syntax.front-matter, decode.field, decode.unknown-key …), with the file's
line and a caret; the rest of the notice is still linted as far as it
was read, so every mistake of a file comes in one run. What a notice
does not state is left out, and judged here under its article
(meta.date-missing, sa.missing, basis.missing …).

Exit status: 0 clean (warnings and infos allowed), 1 when any finding is
an error (or a warning, with --strict) or a file could not be read, 2 for
a usage error.

Dates matter: Privacy Shield was valid until 16 July 2020, Datainspektionen
was renamed IMY on 1 January 2021. --as-of judges the notices by the law of
another day, e.g. the day a notice says it was written.

A notice can silence a rule that does not apply, with the reason:

  lint:
    ignore:
      - {rule: recipients.missing, why: "nothing is shared; the form emails us only"}

Every rule, with its article and examples: docs/lint-rules.md.

Examples:
  notis lint                                # the site in the current folder
  notis lint --source site --strict         # warnings fail too
  notis lint --as-of 2019-06-25             # judged by the law of that day
  notis lint --format sarif > lint.sarif    # for code scanning
  notis lint --format github                # annotations in a GitHub Actions run
`,
		run: runLint,
	})
}

func runLint(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("lint", stderr)
	source := fs.String("source", ".", "the site's folder (where notis.toml is)")
	format := fs.String("format", "text", "output: text, json, sarif or github")
	asOf := fs.String("as-of", "", "judge the notices by the law of this day (YYYY-MM-DD); default today")
	strict := fs.Bool("strict", false, "fail on warnings as well as errors")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if !slices.Contains(lint.Formats, *format) {
		return usagef("--format %q: want one of %s", *format, strings.Join(lint.Formats, ", "))
	}
	opts := lint.Options{Strict: *strict}
	if *asOf != "" {
		t, err := notice.ParseDay(*asOf)
		if err != nil {
			return usagef("--as-of: %v", err)
		}
		opts.AsOf = t
	}
	// The same loading as notis build: the site's strings over the built-in
	// ones decide which consent categories exist. What could not be read is
	// a finding like any other (syntax.yaml, decode.field …): it is in
	// every format and in the count, and fails the run.
	defer gcpace.Start(batchHeadroom, nil)()
	st, loadErr := build.Load(*source, "")
	reading := diag.Collect(loadErr)
	var findings []lint.Finding
	notices := 0
	if st != nil {
		opts.Categories = st.Categories()
		opts.Languages = st.Config.LanguageCodes()
		opts.Dated = st.Dated()
		// Notices with mistakes are linted as far as they decoded, so a
		// file's every mistake is reported in one run.
		all := append(st.Notices(), st.Broken...)
		notices = len(all)
		findings = lint.Check(all, opts)
	}
	findings = lint.WithReading(findings, reading)
	if st != nil && notices == 0 && len(reading) == 0 {
		// A check that found nothing to look at says so, in every format:
		// a pipeline pointed at the wrong folder must not read "clean".
		findings = append(findings, lint.Finding{Rule: diag.RuleNoNotices, Severity: diag.Warning,
			Pos:     diag.Position{File: content.Dir + "/"},
			Message: "content/ holds no notice file (NAME.LANG.md or NAME.md): nothing was checked",
			Fix:     "add one (notis new notice NAME), or give --source the folder that holds notis.toml and content/"})
	}
	if err := lint.Write(stdout, *format, placed(findings, *source)); err != nil {
		return err
	}
	if *format == "text" {
		e, w, i := lint.Count(findings)
		unparsed := map[string]bool{}
		for _, d := range reading {
			if strings.HasPrefix(d.Rule, "syntax.") || d.Rule == diag.RuleUnreadable {
				unparsed[d.Pos.File] = true
			}
		}
		files := ""
		if len(unparsed) > 0 {
			files = fmt.Sprintf(" (and %d files that could not be read as notices)", len(unparsed))
			if len(unparsed) == 1 {
				files = " (and 1 file that could not be read as a notice)"
			}
		}
		fmt.Fprintf(stderr, "notis lint: %d notices%s, %d errors, %d warnings, %d infos\n", notices, files, e, w, i)
	}
	if len(reading) > 0 || lint.Failed(findings, opts) {
		return exitError{1}
	}
	return nil
}
