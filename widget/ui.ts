// The first layer: the banner and the load failure message (an iframe's
// placeholder is placeholder.ts, loaded when a page has one), all inside notis's shadow roots (main.ts). The preferences
// dialog is in dialog.ts, loaded only when opened. Styles come from
// consent.css through classes: nothing here needs 'unsafe-inline' or a
// Trusted Types policy. part="…" names are the theming hooks a page may
// style with ::part() (docs/banner.md, Theming).
import { Lang, K, data } from './config';
import { h, button, link } from './dom';

export interface Actions {
  accept(): void;
  reject(): void;
  prefs(): void;
}

// A box in the top layer (popover="manual", shown by main.ts): above any
// z-index the page uses, without taking focus.
const box = (L: Lang, attrs: Record<string, string>, kids: Node[]) =>
  h('div', 'notis notis-banner', '', { ...attrs, lang: L.l, popover: 'manual', part: 'banner' }, kids);

/**
 * Accept all, Reject all and Preferences: one class, equal size and weight.
 * The notice link is the script tag's data-notice when the page names its
 * own (a site of several organisations), else the site's cookie notice.
 */
export function banner(L: Lang, a: Actions): HTMLElement {
  return box(L, { role: 'region', 'aria-labelledby': 'notis-bt' }, [
    h('h2', 'notis-title', L.s[K.title], { id: 'notis-bt', part: 'title' }),
    h('p', 'notis-text', L.s[K.body] + ' ', { part: 'text' }, link(L.s[K.notice_link], data.notice || L.n)),
    h('div', 'notis-btns', '', {}, [
      button(L.s[K.accept_all], a.accept),
      button(L.s[K.reject_all], a.reject),
      button(L.s[K.preferences], a.prefs),
    ]),
  ]);
}

/** Says the preferences could not be loaded (a deploy removed them, or the page blocks them). */
export function failed(L: Lang, reload: () => void, close: () => void): HTMLElement {
  return box(L, { role: 'alert' }, [
    h('p', 'notis-text', L.s[K.load_failed]),
    h('div', 'notis-btns', '', {}, [button(L.s[K.reload], reload), button(L.s[K.close], close)]),
  ]);
}
