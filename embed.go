// Package notis holds the defaults every site starts from: the layouts,
// assets and i18n strings in this repository, embedded in the binary so
// `notis` works on any folder with a notis.toml. A site's own layouts/,
// assets/ and i18n/ override them file by file.
package notis

import "embed"

// Defaults is the embedded layouts/, assets/ and i18n/ folders.
//
//go:embed layouts assets i18n
var Defaults embed.FS
