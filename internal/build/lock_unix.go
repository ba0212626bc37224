//go:build unix

package build

import (
	"os"
	"syscall"
)

// lockDir holds an exclusive lock on a folder until the returned function
// is called: two builds into one destination take turns, so neither takes
// the other's spare or staging folder for a leftover. locked is false on a
// file system without locks (some network ones): the build then goes on
// without, and leaves leftovers of other builds alone.
func lockDir(dir string) (release func(), locked bool) {
	f, err := os.Open(dir)
	if err != nil {
		return func() {}, false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return func() {}, false
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, true
}
