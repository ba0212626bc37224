package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/scaffold"
	"github.com/notis-dev/notis/internal/site"
)

func init() {
	register(command{
		name:    "new",
		summary: "start a site, or add a notice to one",
		usage:   "notis new site DIR | notis new notice NAME [--lang CODE] [--source DIR]",
		help: `
notis new site DIR makes a working site in a new folder: notis.toml (two
languages, English and Swedish), one notice in both languages that says
all Art 13 asks for, with placeholders where your own facts go (the
controller, its contact details, a processor: notis lint lists each one,
and notis build refuses to publish them), .github/workflows/notices.yml,
which lints and builds
the notices on every push, and a .gitignore that keeps the build's
output and spare folders and the consent server's store and key out of
commits.

notis new notice NAME adds content/NAME.LANG.md to the site (the current
folder, or --source) with every required field present and each field
explained in a comment, ready to fill in. LANG is the site's default
language unless --lang says another; the translation of a notice has the
same NAME.

Examples:
  notis new site privacy && cd privacy && notis serve
  notis new notice candidates
  notis new notice candidates --lang sv`,
		run: runNew,
	})
}

func runNew(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("say what to make: site DIR or notice NAME")
	}
	switch kind, rest := args[0], args[1:]; kind {
	case "site":
		return newSite(rest, stdout, stderr)
	case "notice":
		return newNotice(rest, stdout, stderr)
	case "-h", "--help", "-help":
		return parseFlags(newFlagSet("new", stderr), []string{"-h"}, false)
	default:
		return usagef("unknown kind %q: want site or notice", kind)
	}
}

func newSite(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("new", stderr)
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("notis new site takes one folder, e.g. notis new site privacy")
	}
	dir := fs.Arg(0)
	files, err := scaffold.Site(dir, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Made a notis site in %s:\n", dir)
	for _, f := range files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	fmt.Fprintf(stdout, "Next: cd %s && notis serve\n", dir)
	// The notices hold placeholders (Example Organisation Ltd, …) that the
	// lint fails, so that none is ever published as a fact.
	fmt.Fprintln(stdout, "Then replace the placeholders in content/ with your own facts: `notis lint` lists each one; `notis build` refuses to publish them.")
	return nil
}

func newNotice(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("new", stderr)
	lang := fs.String("lang", "", "the notice's language (default: the site's default language)")
	source := fs.String("source", ".", "the site folder, which holds notis.toml")
	// Flags may follow the name: notis new notice candidates --lang sv.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, name == ""); err != nil {
		return err
	}
	if name == "" {
		if fs.NArg() != 1 {
			return usagef("notis new notice takes one name, e.g. notis new notice candidates")
		}
		name = fs.Arg(0)
	}
	cfg, err := site.Load(*source)
	if err != nil {
		return err
	}
	if *lang == "" {
		*lang = cfg.DefaultLanguage
	}
	if !slices.Contains(cfg.LanguageCodes(), *lang) {
		return usagef("--lang %s: the site's languages are %s (add [languages.%s] to notis.toml for another)", *lang, strings.Join(cfg.LanguageCodes(), ", "), *lang)
	}
	p, err := scaffold.Notice(*source, name, *lang, time.Now())
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(*source, p)
	if err != nil {
		rel = p
	}
	fmt.Fprintf(stdout, "Made %s: fill in the fields (each is explained in its comment), then run notis lint.\n", rel)
	return nil
}
