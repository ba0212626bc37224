// The preferences dialog, a separate module loaded (import()) only when the
// visitor opens it, one build per language: 'notis:texts' is that
// language's texts, 'notis:css' is dialog.css. A modal <dialog>: focus moves in and stays in (Tab
// wraps), Escape closes it, and the caller puts focus back.
import texts from 'notis:texts';
import styles from 'notis:css';
import { h, button, link } from './dom';
import type { Cat } from './config';

interface DialogTexts {
  l: string;
  s: Record<string, string>;
  /** category → [label, description, its cookies: [[name, provider, purpose, duration]…]] */
  c: Record<string, [string, string, string[][]]>;
  n: string;
}

export interface Prefs {
  granted: (id: string) => boolean;
  gpc: boolean;
  id?: string;
  save(ids: string[], method: string): void;
  close(): void;
}

/** The dialog's styles, which main.ts adds to its shadow root (consent.css has them too). */
export const css = styles;

const T = texts as DialogTexts;
const s = T.s;

// The cookie notice: the banner's script tag's data-notice when the page
// names its own (as the first layer does), else the site's.
const notice = () => {
  const tag = document.querySelector<HTMLScriptElement>('script[data-notice]');
  return (tag && tag.dataset.notice) || T.n;
};

/** A switch per category, off unless granted before; necessary on and disabled. */
export function dialog(cats: Cat[], p: Prefs): HTMLDialogElement {
  const boxes: HTMLInputElement[] = [];
  const body: Node[] = [];
  for (const c of cats) {
    const [label, desc, rows] = T.c[c.id] || [c.id, '', []];
    const box = h('input', 'notis-switch', '', { type: 'checkbox', role: 'switch', id: 'notis-c-' + c.id, value: c.id, part: 'switch' });
    box.checked = !!c.req || p.granted(c.id);
    box.disabled = !!c.req;
    if (!c.req) boxes.push(box);
    const head: HTMLElement[] = [box, h('label', 'notis-label', label, { for: box.id })];
    if (c.req) head.push(h('span', 'notis-note', s.always_on));
    else if (c.gpc && p.gpc && !box.checked) head.push(h('span', 'notis-note', s.gpc_note));
    const sec = h('div', 'notis-cat', '', {}, [h('div', 'notis-cat-head', '', {}, head), h('p', 'notis-text', desc)]);
    if (rows.length) {
      const cols = ['cookie', 'provider', 'purpose', 'duration'];
      const th = (k: string) => h('th', '', s[k], { scope: 'col' });
      // data-l: the column's name, shown beside each value when a narrow
      // screen stacks the rows (dialog.css).
      const tr = rows.map((r) => h('tr', '', '', {}, r.map((x, i) => h('td', '', x, { 'data-l': s[cols[i]] }))));
      sec.append(h('details', 'notis-cookies', '', {}, [
        h('summary', '', s.cookies_in_category + ' (' + rows.length + ')'),
        // A scrolling region must be reachable by keyboard: focusable, named.
        h('div', 'notis-scroll', '', { tabindex: '0', role: 'region', 'aria-label': label + ': ' + s.cookies_in_category }, [h('table', '', '', {}, [
          h('thead', '', '', {}, [h('tr', '', '', {}, cols.map(th))]),
          h('tbody', '', '', {}, tr),
        ])]),
      ]));
    }
    body.push(sec);
  }
  const ids = (all?: boolean) => boxes.filter((b) => all || b.checked).map((b) => b.value);
  const close = button('×', p.close, 'notis-x');
  close.setAttribute('aria-label', s.close);
  const d = h('dialog', 'notis notis-dlg', '', { 'aria-labelledby': 'notis-dt', lang: T.l, part: 'dialog' }, [
    h('div', 'notis-dlg-head', '', {}, [h('h2', 'notis-title', s.prefs_title, { id: 'notis-dt' }), close]),
    h('p', 'notis-text', s.prefs_body),
    ...body,
    ...(p.id ? [h('p', 'notis-id', s.consent_id + ': ', {}, [h('code', '', p.id)])] : []),
    h('p', 'notis-text', '', {}, link(s.notice_link, notice())),
    h('div', 'notis-btns', '', {}, [
      button(s.accept_all, () => p.save(ids(true), 'accept_all')),
      button(s.reject_all, () => p.save([], 'reject_all')),
      button(s.save, () => p.save(ids(), 'custom')),
    ]),
  ]);
  d.addEventListener('cancel', (e) => {
    e.preventDefault(); // Escape: close our way, so focus goes back where it was
    p.close();
  });
  d.addEventListener('keydown', (e) => {
    if (e.key != 'Tab') return;
    const f = Array.prototype.filter.call(
      d.querySelectorAll('button,a[href],input:not([disabled]),summary,[tabindex="0"]'),
      (x: HTMLElement) => x.offsetParent,
    ) as HTMLElement[];
    const first = f[0], last = f[f.length - 1];
    const at = (d.getRootNode() as ShadowRoot).activeElement; // inside notis's shadow root
    if (e.shiftKey ? at == first : at == last) {
      (e.shiftKey ? last : first).focus();
      e.preventDefault();
    }
  });
  return d;
}
