package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing/fstest"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/history"
	"github.com/notis-dev/notis/internal/i18n"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/noticediff"
	"github.com/notis-dev/notis/internal/site"
)

func init() {
	register(command{
		name:    "diff",
		summary: "say what changed in the notices between two git revisions, in plain sentences",
		usage:   "notis diff [--source DIR] [--format text|markdown|json] [--lang LANG] [--base BRANCH] [FROM [TO]]",
		help: `
Compares every notice at two git revisions of the site and says what
changed in the terms a reader or a reviewer uses, computed from the
notices' data, not their text:

  Candidates (candidates, en) content/candidates.md
    - New purpose: Marketing (material)
    - Recruitment: now based on your consent instead of our legitimate interests (material)
    - Applications: kept 6 months → 12 months (material)
    The wording changed.
      …keep your application for [-six-]{+twelve+} months…

Material changes are marked: a new purpose (GDPR Art 13(3), 14(4)), a new
lawful basis, a new recipient, country or transfer, a longer retention
period, a new cookie category, a new controller. What a notice no longer
states reads as "no longer states", never as a removal. docs/diff.md lists
every kind of change.

FROM and TO are git revisions (a branch, a tag, a commit, HEAD~3). Without
TO, the notices as they are in the work tree, saved but not committed;
without FROM either, the merge base of HEAD with --base: what a pull
request changes. Without --base, the first of main, origin/main, master
and origin/master that exists: a CI job's clone often has only the
remote's branches. The history is read with go-git: no git program is needed,
but a shallow clone has no merge base (check out with fetch-depth: 0).

--format markdown writes a pull request comment or a GitHub Actions job
summary; every text from a notice is escaped, so a notice cannot put
links, images or mentions into it. --format json is for tools. The
sentences are in --lang, the site's default language unless given.

Exit status: 0 whether or not anything changed (the report says), 1 when
a notice at either revision cannot be read, 2 for a usage error.

Examples:
  notis diff                                # this branch against main
  notis diff v1.4                           # the work tree against a tag
  notis diff HEAD~1 HEAD --lang sv          # the last commit, in Swedish
  notis diff --format markdown >> "$GITHUB_STEP_SUMMARY"
  notis diff --format json origin/main HEAD > changes.json
`,
		run: runDiff,
	})
}

// source reads a site's notice files at a revision: "" is the work tree.
// internal/history's Repo is one.
type source interface {
	Files(rev string) (map[string][]byte, error)
	MergeBase(rev string) (string, error)
}

var _ source = (*history.Repo)(nil)

// openSource opens the git history of the site folder dir; tests give
// notis diff folders instead.
var openSource = func(dir string) (source, error) {
	r, err := history.Open(dir)
	if errors.Is(err, history.ErrNoRepo) {
		return nil, fmt.Errorf("%s is not in a git repository: notis diff compares git revisions of the notices", dir)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

var diffFormats = []string{"text", "markdown", "json"}

// defaultBases are the branches notis diff counts a pull request from
// when --base is not given, the first that exists: a clone made by CI
// (actions/checkout) has the remote's branches but often no local one.
var defaultBases = []string{"main", "origin/main", "master", "origin/master"}

// mergeBase is the merge base of HEAD with the first of bases that names
// a revision, and that revision's name. Any other error stops the search:
// a branch that exists but shares no history with HEAD is the answer.
func mergeBase(src source, bases []string) (used, hash string, err error) {
	var first error
	for _, b := range bases {
		hash, err := src.MergeBase(b)
		if err == nil {
			return b, hash, nil
		}
		if first == nil {
			first = err
		}
		if !errors.Is(err, history.ErrUnknownRevision) {
			return "", "", err
		}
	}
	if len(bases) > 1 {
		return "", "", fmt.Errorf("none of %s exists: %w", strings.Join(bases, ", "), first)
	}
	return "", "", first
}

func runDiff(args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("diff", stderr)
	dir := flags.String("source", ".", "the site's folder (where notis.toml is)")
	format := flags.String("format", "text", "output: text, markdown or json")
	lang := flags.String("lang", "", "the language of the sentences; default the site's default language")
	base := flags.String("base", "main", "the branch whose merge base with HEAD is FROM when no FROM is given (default: the first of "+strings.Join(defaultBases, ", ")+" that exists)")
	// Flags may come before or after the revisions.
	var revs []string
	for {
		if err := parseFlags(flags, args, true); err != nil {
			return err
		}
		if flags.NArg() == 0 {
			break
		}
		revs, args = append(revs, flags.Arg(0)), flags.Args()[1:]
	}
	if len(revs) > 2 {
		return usagef("at most two revisions, FROM and TO; got %d", len(revs))
	}
	if !slices.Contains(diffFormats, *format) {
		return usagef("--format %q: want one of %s", *format, strings.Join(diffFormats, ", "))
	}
	cfg, err := site.Load(*dir)
	if err != nil {
		return err
	}
	if *lang == "" {
		*lang = cfg.DefaultLanguage
	}
	if !slices.Contains(cfg.LanguageCodes(), *lang) {
		return usagef("--lang %q: the site's languages are %s", *lang, strings.Join(cfg.LanguageCodes(), ", "))
	}
	strs, err := i18n.LoadLayers([]fs.FS{notis.Defaults, os.DirFS(*dir)}, cfg.LanguageCodes(), cfg.DefaultLanguage)
	if err != nil {
		return err
	}
	src, err := openSource(*dir)
	if err != nil {
		return err
	}
	var from, to, fromLabel string
	switch len(revs) {
	case 0:
		bases := []string{*base}
		if !flags.given("base") {
			bases = defaultBases
		}
		var used string
		if used, from, err = mergeBase(src, bases); err != nil {
			return fmt.Errorf("no FROM given and %w (name the revision to compare with, e.g. notis diff origin/main)", err)
		}
		fromLabel = used + " (" + from[:min(len(from), 7)] + ")"
	case 1:
		from = revs[0]
	case 2:
		from, to = revs[0], revs[1]
	}
	if fromLabel == "" {
		fromLabel = from
	}
	toLabel := to
	if to == "" {
		if toLabel, err = strs.T(*lang, "diff.report.worktree"); err != nil {
			return err
		}
	}
	old, err := noticesAt(src, from, fromLabel, cfg)
	if err != nil {
		return err
	}
	now, err := noticesAt(src, to, toLabel, cfg)
	if err != nil {
		return err
	}
	report, err := noticediff.SiteDiff(fromLabel, toLabel, old, now)
	if err != nil {
		return err
	}
	switch *format {
	case "markdown":
		return report.WriteMarkdown(stdout, strs, *lang)
	case "json":
		return report.WriteJSON(stdout, strs, *lang)
	}
	return report.WriteText(stdout, strs, *lang)
}

// noticesAt reads every notice of the site at a revision, as a build
// would. A notice that does not read is an error naming the revision: a
// diff that skipped it would say it had not changed.
func noticesAt(src source, rev, label string, cfg *site.Config) ([]*notice.Notice, error) {
	files, err := src.Files(rev)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	fsys := fstest.MapFS{content.Dir: &fstest.MapFile{Mode: fs.ModeDir | 0o755}}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	pages, err := content.LoadAll(fsys, cfg)
	if err != nil {
		return nil, fmt.Errorf("the notices at %s do not all read (run notis lint there):\n%w", label, err)
	}
	out := make([]*notice.Notice, len(pages))
	for i, p := range pages {
		out[i] = p.Notice
	}
	return out, nil
}
