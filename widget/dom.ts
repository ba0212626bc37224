// Tiny DOM helpers shared by the banner and the dialog: elements from
// createElement, texts through textContent, never HTML strings; shadow
// roots styled by constructed stylesheets.

export type Texts = Record<string, string>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, cls: string, text?: string, attrs?: Texts, kids?: Node[],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  for (const a in attrs) e.setAttribute(a, attrs[a]);
  if (kids) e.append(...kids);
  return e;
}

/** A button; part="button" lets a page style it with ::part(button). */
export function button(text: string, onClick: () => void, cls = 'notis-btn'): HTMLButtonElement {
  const b = h('button', cls, text, { type: 'button', part: 'button' });
  b.addEventListener('click', onClick);
  return b;
}

/** The link to the cookie notice, if the site has one. */
export function link(text: string, href: string): Node[] {
  return href ? [h('a', 'notis-link', text, { href, part: 'link' })] : [];
}

const sheets: Record<string, CSSStyleSheet> = {};

/**
 * Styles a shadow root with css as a constructed stylesheet (CSSOM, which
 * CSP does not govern; one sheet shared by every root). A browser without
 * them gets href, consent.css, which holds every rule, by a <link>.
 */
export function style(r: ShadowRoot, css: string, href: string): Promise<void> {
  return new Promise((done) => {
    try {
      let s = sheets[css];
      if (!s) (s = sheets[css] = new CSSStyleSheet()).replaceSync(css);
      r.adoptedStyleSheets = [...r.adoptedStyleSheets, s];
      done();
    } catch (e) {
      if (r.querySelector('link')) return done();
      const l = h('link', '', '', { rel: 'stylesheet', href });
      l.onload = l.onerror = () => done();
      r.prepend(l);
    }
  });
}

/** A host element for our own shadow root: no page rule reaches inside. */
export function shadow(tag: string): [HTMLElement, ShadowRoot] {
  const e = document.createElement(tag);
  return [e, e.attachShadow({ mode: 'open' })];
}
