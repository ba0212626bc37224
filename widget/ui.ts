// The first layer: the banner and the iframe placeholder. The preferences
// dialog is in dialog.ts, loaded only when opened. Styles come from
// consent.css through classes: nothing here needs 'unsafe-inline' or a
// Trusted Types policy.
import { Lang } from './config';
import { h, button, fill, link } from './dom';

export interface Actions {
  accept(): void;
  reject(): void;
  prefs(): void;
}

/** Accept all, Reject all and Preferences: one class, equal size and weight. */
export function banner(L: Lang, a: Actions): HTMLElement {
  return h('div', 'notis notis-banner', '', { role: 'region', 'aria-labelledby': 'notis-bt', lang: L.l, tabindex: '-1' }, [
    h('h2', 'notis-title', L.s.title, { id: 'notis-bt', elementtiming: 'notis-banner' }),
    h('p', 'notis-text', L.s.body + ' ', {}, link(L.s.notice_link, L.n)),
    h('div', 'notis-btns', '', {}, [
      button(L.s.accept_all, a.accept),
      button(L.s.reject_all, a.reject),
      button(L.s.preferences, a.prefs),
    ]),
  ]);
}

/** Stands in for a gated iframe: what it is, and a button that grants its category. */
export function placeholder(L: Lang, cats: string, allow: () => void): HTMLElement {
  const label = cats.split(' ').map((c) => L.c[c] || c).join(', ');
  return h('div', 'notis notis-ph', '', { lang: L.l }, [
    h('p', 'notis-text', fill(L.s.placeholder_text, { category: label })),
    button(L.s.placeholder_button, allow),
  ]);
}
