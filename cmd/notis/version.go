package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/notis-dev/notis/internal/audit"
)

func init() {
	register(command{
		name:    "version",
		summary: "print notis's version",
		usage:   "notis version [--licenses]",
		help:    "Prints the module version (or the VCS revision of a development build) and the Go version; --licenses adds the notices of third-party data built into notis.",
		run: func(args []string, stdout, stderr io.Writer) error {
			licenses := len(args) == 1 && (args[0] == "--licenses" || args[0] == "-licenses")
			if len(args) > 0 && !licenses {
				return usagef("unexpected argument %q", args[0])
			}
			fmt.Fprintln(stdout, "notis", buildVersion())
			if licenses {
				fmt.Fprintf(stdout, "\nThird-party data:\n\n%s\n\n%s", audit.Attribution, audit.License)
			}
			return nil
		},
	})
}

// buildVersion reads the version Go stamps into the binary.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v = "devel " + rev + dirty
	}
	return fmt.Sprintf("%s (%s)", v, info.GoVersion)
}
