// Enforcement: tags the page marks with data-consent wait for their
// categories (all of them, if several are listed with spaces).
//   <script type="text/plain" data-consent="analytics" src="…">  runs once granted,
//     in document order, keeping its CSP nonce;
//   <iframe data-consent="marketing" data-src="…">  loads once granted, and
//     until then shows a placeholder offering consent for that category;
//     with data-vendor="youtube" it loads once that vendor alone is granted,
//     and the placeholder offers just that.
// A MutationObserver catches such tags added after start-up.

const SEL = 'script[type="text/plain"][data-consent],iframe[data-consent][data-src]';

let ok: (cats: string, vendor: string | null) => boolean;
let on = false;
let placeholder: (f: HTMLIFrameElement) => void;
const queued = new WeakSet<Element>();
const queue: HTMLScriptElement[] = [];
let running = false;

/** Starts enforcement; `allowed` answers for a data-consent value, `hold` puts a placeholder in front of an iframe. */
export function start(allowed: typeof ok, hold: (f: HTMLIFrameElement) => void): void {
  ok = allowed;
  placeholder = hold;
  on = true;
  apply();
  new MutationObserver((ms) => {
    for (const m of ms) {
      m.addedNodes.forEach((n) => {
        if (n instanceof Element) {
          if (n.matches(SEL)) handle(n);
          n.querySelectorAll(SEL).forEach(handle);
        }
      });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}

/** Re-checks every gated tag, in document order, after a choice (start does the first pass). */
export function apply(): void {
  if (on) document.querySelectorAll(SEL).forEach(handle);
}

function handle(el: Element): void {
  if (queued.has(el)) return;
  const cats = el.getAttribute('data-consent') || '';
  const yes = ok(cats, el.getAttribute('data-vendor'));
  if (el instanceof HTMLIFrameElement) {
    if (!yes) return placeholder(el);
    // Out of its placeholder's wrapper first: moving an iframe that has a
    // src would load it twice.
    const w = el.parentElement;
    if (w && w.localName == 'notis-embed') w.replaceWith(el);
    const src = el.getAttribute('data-src') || '';
    if (el.getAttribute('src') != src) el.src = src;
  } else if (yes) {
    queued.add(el);
    queue.push(el as HTMLScriptElement);
    if (!running) next();
  }
}

// Runs queued scripts one by one: an external one must load before the next
// starts, so inline and external scripts keep their document order. The
// element itself is re-inserted with its type changed, not a copy: it keeps
// its nonce and the text the parser gave it, which Trusted Types accepts
// (an inline script's text set from JavaScript would need a policy).
function next(): void {
  const s = queue.shift();
  running = !!s;
  if (!s) return;
  const parent = s.parentNode;
  if (!parent) return next();
  const at = s.nextSibling;
  s.remove();
  s.removeAttribute('type');
  if (s.dataset.type) s.type = s.dataset.type;
  if (s.src) {
    s.async = false;
    s.onload = s.onerror = next;
    parent.insertBefore(s, at);
  } else {
    parent.insertBefore(s, at);
    next();
  }
}
