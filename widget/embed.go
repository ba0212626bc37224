// Package widget holds the consent banner's sources: TypeScript modules and
// one stylesheet, embedded in the notis binary so that `notis build` bundles
// them with esbuild and no Node is needed. internal/widget builds them; a
// site may override them file by file.
//
// Reading order: main.ts (start-up and choices), config.ts, cookie.ts,
// gcm.ts, gate.ts, i18n.ts, ui.ts, send.ts, and consent.css.
package widget

import "embed"

// Source is the banner's source tree: main.ts is the entry point and
// consent.css the stylesheet.
//
//go:embed *.ts *.css
var Source embed.FS
