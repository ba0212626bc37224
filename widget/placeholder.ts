// The placeholder of a gated iframe, a module main.ts loads (import()) only
// on a page with an iframe the visitor has not allowed, so the first layer
// stays small everywhere else. The iframe keeps its place and size (hidden,
// slotted into a <notis-embed> wrapper) and the placeholder lies over it,
// so nothing on the page moves. Its button grants the iframe's vendor
// (data-vendor) in its categories when notis.toml declares it there
// ("marketing:youtube", a key of the proof's choices), else its
// categories: a grant the consent server would refuse would have no proof.
import { h, button, shadow, style } from './dom';

/** What main.ts lends: the texts, the vendor grants notis.toml declares, and the choice. */
export interface Host {
  /** the visitor's language, the placeholder's text and button, category labels */
  l: string;
  text: string;
  button: string;
  c: Record<string, string>;
  /** the vendor grants a placeholder may make ("marketing:youtube") */
  v: string[];
  granted(id: string): boolean;
  /** adds these grants to the visitor's choice (method custom) */
  grant(ids: string[]): void;
  /** the first layer's styles, and consent.css for browsers without constructed stylesheets */
  css: string;
  href: string;
}

/** Puts a placeholder in front of f, which waits for the categories cats (data-consent). */
export function hold(f: HTMLIFrameElement, cats: string, vendor: string | null, x: Host): void {
  const [w, r] = shadow('notis-embed');
  f.before(w);
  w.append(f); // it has no src yet: moving it loses nothing
  style(r, x.css, x.href);
  const ids = cats.split(' ').filter((c) => c && !x.granted(c));
  const v = ids.every((c) => x.v.indexOf(c + ':' + vendor) >= 0);
  const label = cats.split(' ').map((c) => x.c[c] || c).join(', ');
  r.append(
    h('slot', ''),
    h('div', 'notis notis-ph', '', { lang: x.l, part: 'placeholder' }, [
      h('p', 'notis-text', x.text.replace('{category}', v ? vendor + ' (' + label + ')' : label)),
      button(x.button, () => {
        x.grant(ids.map((c) => (v ? c + ':' + vendor : c)));
        f.focus(); // the placeholder is gone; the embed it stood for takes its place
      }),
    ]),
  );
}
