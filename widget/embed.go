// Package widget holds the consent banner's sources: TypeScript modules and
// two stylesheets, embedded in the notis binary so that `notis build` bundles
// them with esbuild and no Node is needed. internal/widget builds them; a
// site may override them file by file.
//
// Reading order: main.ts (start-up and choices), config.ts, cookie.ts,
// gcm.ts, gate.ts, i18n.ts, dom.ts, ui.ts, log.ts, outbox.ts, send.ts
// (loaded once an event waits to be sent), placeholder.ts (loaded on a page
// with a gated iframe), dialog.ts (loaded when the
// preferences dialog opens), consent.css and dialog.css.
package widget

import "embed"

// Source is the banner's source tree: main.ts, send.ts, placeholder.ts and dialog.ts are
// the entry points, consent.css and dialog.css their stylesheets.
//
//go:embed *.ts *.css
var Source embed.FS
