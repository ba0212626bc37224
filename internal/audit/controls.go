package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/chromedp/chromedp"
)

// Controls are CSS selectors for a banner other than notis's. Empty ones
// fall back to the notis banner's stable hooks (docs/banner.md): the
// first layer `.notis-banner` with Accept all, Reject all and
// Preferences in that order in `.notis-btns`; `[data-notis-open]` or
// `window.notis.open()` to reopen; the dialog `.notis-dlg` with its
// `.notis-switch` switches and Accept all, Reject all, Save in that order.
type Controls struct {
	Accept, Reject, OpenPreferences string
}

// Custom reports whether any selector for another banner was given.
func (c Controls) Custom() bool { return c.Accept != "" || c.Reject != "" || c.OpenPreferences != "" }

// shadowRecorder runs before the page's own scripts (in its main world)
// and remembers every shadow root the page attaches, closed ones too, so
// the controls can be found inside a banner that lives in a Shadow DOM.
const shadowRecorder = `(() => {
  const key = Symbol.for('notis.audit.roots');
  if (window[key]) return;
  const roots = [];
  Object.defineProperty(window, key, {value: roots});
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const r = attach.call(this, init); roots.push(r); return r; };
})()`

// findJS finds a control and returns its centre in the viewport (after
// scrolling it into view), or null. It searches the document and every
// shadow root, open or recorded by shadowRecorder. what is one of banner,
// accept, reject, prefs, reopen, switches, save; sel is a custom selector
// or "".
const findJS = `(what, sel) => {
  const rec = window[Symbol.for('notis.audit.roots')] || [];
  const roots = [], seen = new Set();
  const walk = (r) => {
    if (!r || seen.has(r)) return;
    seen.add(r); roots.push(r);
    for (const el of r.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  for (const r of rec) walk(r);
  const shown = (el) => el && el.isConnected && el.getClientRects().length > 0 && getComputedStyle(el).visibility != 'hidden';
  const all = (s) => roots.flatMap((r) => Array.from(r.querySelectorAll(s))).filter(shown);
  const one = (s) => all(s)[0] || null;
  const banner = () => one('.notis-banner');
  const nth = (root, s, i) => root ? (Array.from(root.querySelectorAll(s))[i] || null) : null;
  let el = null;
  switch (what) {
  case 'banner': el = sel ? one(sel) : banner(); break;
  case 'accept': el = sel ? one(sel) : nth(banner(), '.notis-btns button', 0); break;
  case 'reject': el = sel ? one(sel) : nth(banner(), '.notis-btns button', 1); break;
  case 'prefs': el = sel ? one(sel) : nth(banner(), '.notis-btns button', 2); break;
  case 'reopen':
    if (sel) { el = one(sel); break; }
    el = one('[data-notis-open]');
    if (!el && window.notis && typeof window.notis.open == 'function') { window.notis.open(); return {x: -1, y: -1, api: true}; }
    break;
  case 'dialog': el = one('dialog.notis-dlg[open]'); break;
  case 'switch': el = all('dialog.notis-dlg[open] input.notis-switch').find((b) => b.checked && !b.disabled) || null; break;
  case 'save': el = nth(one('dialog.notis-dlg[open]'), '.notis-btns button', 2); break;
  }
  if (!el || !shown(el)) return null;
  // instant: a page's scroll-behavior: smooth would leave the control
  // where it was when its position is read.
  el.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
  const r = el.getBoundingClientRect();
  return {x: r.left + r.width / 2, y: r.top + r.height / 2, api: false};
}`

type point struct {
	X, Y float64
	API  bool // the control was an API call (window.notis.open), already done
}

// find locates a control; nil when there is none.
func find(ctx context.Context, what, sel string) (*point, error) {
	args, _ := json.Marshal([]string{what, sel})
	expr := fmt.Sprintf("(%s)(...%s)", findJS, args)
	return chromedp.Run(ctx, chromedp.Evaluate[*point](expr))
}

// click finds a control and clicks it as a person would (a trusted mouse
// event at its centre); it reports whether it found one.
func click(ctx context.Context, what, sel string) (bool, error) {
	p, err := find(ctx, what, sel)
	if err != nil || p == nil {
		return false, err
	}
	if p.API {
		return true, nil
	}
	return true, chromedp.Do(ctx, chromedp.MouseClickXY(p.X, p.Y))
}
