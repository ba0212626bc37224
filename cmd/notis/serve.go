package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/notis-dev/notis/internal/dev"
	"github.com/notis-dev/notis/internal/site"
)

func init() {
	register(command{
		name:    "serve",
		summary: "preview the site with live reload, the banner and a local consent endpoint",
		usage:   "notis serve [--source DIR] [--port 1313] [--bind 127.0.0.1]",
		help: `
Builds the site into memory, serves it, and prints one URL per language.
It watches notis.toml, content/, layouts/, assets/, i18n/ and widget/:
saving a file rebuilds what the edit touches (one notice re-renders its
own pages, its translations', the pages linking to it, the index,
notices.json and the sitemap) and open pages reload. A stylesheet change
is swapped in without a reload.

A build error (front matter that does not parse, a missing translation,
a template error) shows over every open page with file:line, the message
and the fix, and goes away by itself when the file is fixed; meanwhile
the last good build is served. The server never stops for a content
error. After each save the lint checks the notices it touched and
prints the errors and warnings that changed (see 'notis help lint').

The banner posts to a consent endpoint the preview runs itself, on a
temporary SQLite file: clicking Accept records a consent and prints one
line here. Nothing is written to public/.

Examples:
  notis serve
  notis serve --source site --port 8080
  notis serve --bind 0.0.0.0        # reachable from other machines`,
		run: runServe,
	})
}

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	source := fs.String("source", ".", "the site folder, which holds notis.toml")
	port := fs.Int("port", 1313, "the port to serve on (0: any free port)")
	bind := fs.String("bind", "127.0.0.1", "the address to listen on")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if *port < 0 || *port > 65535 {
		return usagef("--port %d: want 0 to 65535", *port)
	}
	if st, err := os.Stat(*source); err != nil || !st.IsDir() {
		return usagef("--source %s: not a folder", *source)
	}
	// A folder that is no site is a mistake to stop at; anything wrong
	// inside a site is shown in the preview instead.
	if _, err := os.Stat(filepath.Join(*source, site.FileName)); err != nil {
		return fmt.Errorf("%s: no %s here; run `notis new site DIR` to make a site, or pass --source", *source, site.FileName)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return dev.Serve(ctx, dev.Options{Source: *source, Bind: *bind, Port: *port, Out: stdout})
}
