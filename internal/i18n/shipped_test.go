package i18n

import (
	"io/fs"
	"testing"

	notis "github.com/notis-dev/notis"
)

func shipped(t *testing.T) fs.FS {
	t.Helper()
	return notis.Defaults
}
