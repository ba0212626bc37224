//go:build !linux

package store

import "os"

// Fdatasync is f.Sync where the system has no fdatasync.
func Fdatasync(f *os.File) error { return f.Sync() }

// syncDir is a no-op where folders cannot be synced portably (Windows
// refuses a handle to one); there the WAL's entry is as durable as the
// file system makes it.
func syncDir(string) error { return nil }
