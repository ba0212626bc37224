// Tiny DOM helpers shared by the banner and the dialog: elements from
// createElement, texts through textContent, never HTML strings.

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

export function button(text: string, onClick: () => void, cls = 'notis-btn'): HTMLButtonElement {
  const b = h('button', cls, text, { type: 'button' });
  b.addEventListener('click', onClick);
  return b;
}

/** A string with {name} placeholders filled in. */
export function fill(s: string, args?: Texts): string {
  return (s || '').replace(/\{(\w+)\}/g, (_, k) => (args && args[k]) || '');
}

/** The link to the cookie notice, if the site has one. */
export function link(text: string, href: string): Node[] {
  return href ? [h('a', 'notis-link', text, { href })] : [];
}

/** Adopts CSS as a constructed stylesheet (CSP does not govern CSSOM); false where unsupported. */
export function adopt(css: string): boolean {
  const d = document as Document & { adoptedStyleSheets: CSSStyleSheet[] };
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    d.adoptedStyleSheets = [...d.adoptedStyleSheets, sheet];
    return true;
  } catch (e) {
    return false; // an older browser: the caller links consent.css
  }
}
