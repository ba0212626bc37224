// Command notis builds multilingual GDPR privacy notices into a static site,
// bundles a consent banner, and runs the server that keeps proof of consent.
//
// Each subcommand lives in its own file and registers itself in init, so
// this file only dispatches. Exit codes: 0 success, 1 content or runtime
// errors, 2 usage errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// command is one subcommand of notis.
type command struct {
	name    string
	summary string // one line for `notis help`
	usage   string // the synopsis, e.g. "notis build [flags]"
	help    string // paragraphs that teach, shown by `notis help NAME`
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands []command

func register(c command) { commands = append(commands, c) }

// usageError makes main exit 2; it wraps a message that says what was wrong.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// exitError carries an exit code for errors already reported to the user.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printOverview(stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		fmt.Fprintf(stderr, "notis: unknown command %q%s\nRun 'notis help' for the list.\n", name, didYouMean(name))
		return 2
	}
	err := commands[i].run(args[1:], stdout, stderr)
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "notis %s: %s\nusage: %s\nRun 'notis help %s' for more.\n", name, ue.msg, commands[i].usage, name)
		return 2
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(stderr, "notis %s: %s\n", name, err)
		return 1
	}
}

func didYouMean(name string) string {
	for _, c := range commands {
		if strings.HasPrefix(c.name, name) || strings.HasPrefix(name, c.name) {
			return fmt.Sprintf(" (did you mean %q?)", c.name)
		}
	}
	return ""
}

func printOverview(w io.Writer) {
	fmt.Fprint(w, `notis turns Markdown privacy notices into a multilingual static site,
bundles a consent banner, and keeps proof of consent.

Usage:
  notis <command> [flags]

Commands:
`)
	sorted := slices.Clone(commands)
	slices.SortFunc(sorted, func(a, b command) int { return strings.Compare(a.name, b.name) })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'notis help <command>' for a command's flags and examples.
`)
}

// flagSet is a command's flags and where its -h help goes.
type flagSet struct {
	*flag.FlagSet
	help io.Writer
}

// newFlagSet makes a flag set whose -h output teaches: synopsis, the
// command's help text, then its flags. The flag package's own printing is
// silenced: parseFlags reports errors and help exactly once.
func newFlagSet(name string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, help: stderr}
}

// given reports whether the command line set the flag name, rather than
// leaving its default.
func (fs *flagSet) given(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parseFlags parses args and turns flag errors into usage errors; it also
// rejects stray positional arguments unless allowArgs.
func parseFlags(fs *flagSet, args []string, allowArgs bool) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printHelp(fs.FlagSet, fs.help)
		return flag.ErrHelp
	}
	if err != nil {
		return usageError{err.Error()}
	}
	if !allowArgs && fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func printHelp(fs *flag.FlagSet, w io.Writer) {
	if i := slices.IndexFunc(commands, func(c command) bool { return c.name == fs.Name() }); i >= 0 {
		fmt.Fprintf(w, "usage: %s\n\n%s\n", commands[i].usage, strings.TrimSpace(commands[i].help))
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

func init() {
	register(command{
		name:    "help",
		summary: "explain a command: notis help build",
		usage:   "notis help [command]",
		help:    "Prints the list of commands, or one command's synopsis, explanation and flags.",
		run: func(args []string, stdout, stderr io.Writer) error {
			if len(args) == 0 {
				printOverview(stdout)
				return nil
			}
			i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] })
			if i < 0 {
				return usagef("no command %q%s", args[0], didYouMean(args[0]))
			}
			c := commands[i]
			if c.name == "help" || c.name == "version" {
				fmt.Fprintf(stdout, "usage: %s\n\n%s\n", c.usage, strings.TrimSpace(c.help))
				return nil
			}
			// A command's -h prints its synopsis, explanation and flags.
			if err := c.run([]string{"-h"}, stdout, stdout); !errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(stdout, "usage: %s\n\n%s\n", c.usage, strings.TrimSpace(c.help))
			}
			return nil
		},
	})
}
