// The first layer: the banner and the iframe placeholder. The preferences
// dialog is in dialog.ts, loaded only when opened. Styles come from
// consent.css through classes: nothing here needs 'unsafe-inline' or a
// Trusted Types policy.
import { Lang, K } from './config';
import { h, button, fill, link } from './dom';

export interface Actions {
  accept(): void;
  reject(): void;
  prefs(): void;
}

/** Accept all, Reject all and Preferences: one class, equal size and weight. */
export function banner(L: Lang, a: Actions): HTMLElement {
  return h('div', 'notis notis-banner', '', { role: 'region', 'aria-labelledby': 'notis-bt', lang: L.l, tabindex: '-1' }, [
    h('h2', 'notis-title', L.s[K.title], { id: 'notis-bt', elementtiming: 'notis-banner' }),
    h('p', 'notis-text', L.s[K.body] + ' ', {}, link(L.s[K.notice_link], L.n)),
    h('div', 'notis-btns', '', {}, [
      button(L.s[K.accept_all], a.accept),
      button(L.s[K.reject_all], a.reject),
      button(L.s[K.preferences], a.prefs),
    ]),
  ]);
}

/** Stands in for a gated iframe: what it is, and a button that grants its category. */
export function placeholder(L: Lang, cats: string, allow: () => void): HTMLElement {
  const label = cats.split(' ').map((c) => L.c[c] || c).join(', ');
  return h('div', 'notis notis-ph', '', { lang: L.l }, [
    h('p', 'notis-text', fill(L.s[K.placeholder_text], { category: label })),
    button(L.s[K.placeholder_button], allow),
  ]);
}

/** Says the preferences could not be loaded (a deploy removed them, or the page blocks them). */
export function failed(L: Lang, reload: () => void, close: () => void): HTMLElement {
  return h('div', 'notis notis-banner', '', { role: 'alert', lang: L.l }, [
    h('p', 'notis-text', L.s[K.load_failed]),
    h('div', 'notis-btns', '', {}, [button(L.s[K.reload], reload), button(L.s[K.close], close)]),
  ]);
}
