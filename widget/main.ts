// notis consent banner: start-up and the visitor's choices. Reading order:
// config.ts (what the build baked in), cookie.ts (the stored choice), gcm.ts
// (Consent Mode), gate.ts (blocked scripts and iframes), i18n.ts, ui.ts
// (banner), placeholder.ts (an iframe's placeholder,
// loaded when a page has one),
// dialog.ts (preferences, loaded when opened),
// outbox.ts and send.ts (proof to the consent server, send.ts loaded once
// an event waits).
//
// The host page is hostile: everything notis shows lives in open shadow
// roots (<notis-consent> for the banner and dialog, one <notis-embed> per
// gated iframe), so no page rule reaches it; the banner sits in the top
// layer (a manual popover), above any z-index; and it never takes focus.
import { cfg, base, K } from './config';
import { warn, blocked } from './log';
import * as outbox from './outbox';
import * as cookie from './cookie';
import * as gcm from './gcm';
import * as gate from './gate';
import { lang, strings } from './i18n';
import * as ui from './ui';
import { h, style, shadow } from './dom';
import type * as Dialog from './dialog';
import type * as Send from './send';
import type * as Placeholder from './placeholder';
import styles from 'notis:css';

// Marks for real-user monitoring: notis:start here, notis:banner when shown.
const mark = (name: string) => performance.mark && performance.mark('notis:' + name);
mark('start');

// 1. Consent Mode default (all denied) before anything gated can run.
gcm.consentDefault();

const gpc = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
let st = cookie.read();
let keepId = '';
if (st && st.version != cfg.version) {
  keepId = st.id; // what visitors consent to has changed: ask again, same consent id
  st = null;
}
const req = (id: string) => cfg.cats.some((c) => c.id == id && c.req);
const granted = (id: string) => req(id) || (!!st && st.granted.indexOf(id) >= 0);
// A tag runs when each of its categories is granted, or its vendor within
// that category (data-vendor, granted from its placeholder:
// "marketing:youtube", a key of the proof's choices).
const allowed = (cats: string, vendor?: string | null) =>
  cats.split(' ').every((c) => !c || granted(c) || granted(c + ':' + vendor));

let host: HTMLElement;
let root: ShadowRoot;
let live: HTMLElement;
let bannerEl: HTMLElement | null = null;
let dlg: HTMLDialogElement | null = null;
let back: Element | null = null;
let last: HTMLElement | null = null;
let css: Promise<void>;

// The shadow root and its styles: a constructed stylesheet from the CSS in
// the bundle (no request), else a <link> to consent.css. Its live region
// exists before anything is announced in it.
function loadCss(): Promise<void> {
  if (!css) {
    [host, root] = shadow('notis-consent');
    live = h('div', 'notis-sr', '', { role: 'status' });
    root.append(live);
    document.body.append(host);
    css = style(root, styles, base + cfg.css);
  }
  return css;
}

// Texts and styles first, then the element: the banner appears styled, at once, without shifting the page.
const ready = () => Promise.all([strings(), loadCss()]).then(([L]) => L);

// Shows a box in the top layer where the browser has popovers.
function pop(el: HTMLElement): void {
  root.append(el);
  if ('showPopover' in el) el.showPopover();
}

// Where focus goes after a choice made in notis's own controls: back to
// the page element that had it last, else the page's data-notis-open
// control (never left on <body>), without scrolling the page.
function refocus(): void {
  const to = last && last.isConnected ? last : document.querySelector<HTMLElement>('[data-notis-open]');
  if (to) to.focus({ preventScroll: true });
}

// Every category, and the vendor grants made (declared ones only: the
// consent server refuses any other key).
function choices(): Record<string, boolean> {
  const o: Record<string, boolean> = {};
  for (const c of cfg.cats) o[c.id] = granted(c.id);
  for (const k of cfg.v) if (granted(k)) o[k] = true;
  return o;
}

function fire(method: string): void {
  const detail = { id: st && st.id, version: cfg.version, choices: choices(), method };
  document.dispatchEvent(new CustomEvent('notis:consent', { detail, bubbles: true }));
}

// Other tabs of the site hear of each choice, and apply it from the cookie.
const tabs = self.BroadcastChannel && new BroadcastChannel('notis');

/** Applies a choice: withdrawn cookies deleted, Consent Mode, gated tags, event, banner gone. */
function apply(before: string[], method: string): void {
  for (const c of cfg.cats) {
    if (before.indexOf(c.id) >= 0 && !granted(c.id) && c.del) cookie.remove(c.del);
  }
  gcm.consentUpdate(granted);
  gate.apply();
  fire(method);
  if (method != 'gpc' && bannerEl) {
    const had = document.activeElement == host;
    bannerEl.remove();
    bannerEl = null;
    if (had) refocus();
  }
}

/** Records a choice: cookie, proof, the other tabs; then applies it. */
function choose(ids: string[], method: string): void {
  // Another tab may have chosen since: its cookie holds the consent id to keep.
  const now = cookie.read();
  if (now && now.version == cfg.version) st = now;
  const before = st ? st.granted : [];
  const gone = before.filter((id) => ids.indexOf(id) < 0);
  if (method == 'custom' && gone.length && ids.every((id) => before.indexOf(id) >= 0)) method = 'withdraw';
  st = { id: (now && now.id) || (st && st.id) || keepId || cookie.uuid(), version: cfg.version, granted: ids, time: Date.now(), method };
  cookie.write(st, cfg.days);
  send({
    v: 1, event: cookie.uuid(), id: st.id, site: cfg.site, version: cfg.version, lang,
    choices: choices(), method, gpc, url: location.origin + location.pathname,
  });
  if (tabs) tabs.postMessage(method);
  apply(before, method);
}

// A choice made in another tab: the cookie has it; apply it here too.
if (tabs) {
  tabs.onmessage = (e) => {
    const now = cookie.read();
    if (!now || now.version != cfg.version) return;
    const before = st ? st.granted : [];
    st = now;
    if (dlg) closeDialog();
    apply(before, e.data);
  };
}

const optional = () => cfg.cats.filter((c) => !c.req).map((c) => c.id);

function closeDialog(): void {
  if (!dlg) return;
  dlg.close();
  dlg.remove();
  dlg = null;
  if (back && back.isConnected) (back as HTMLElement).focus();
  else refocus();
}

// The preferences dialog module: its hashed file, else (gone after a
// deploy) its stable alias prefs.<lang>.js, whichever version that is now.
const dialogModule = (p = base + 'prefs.' + lang + '.'): Promise<typeof Dialog> =>
  import(p + cfg.prefs[lang] + '.js').catch(() => import(p + 'js'));

// Proof: an event goes into the outbox at once; send.ts, loaded then (or
// its stable alias), posts it. The outbox outlives the page: what is still
// waiting goes by sendBeacon when the page is hidden, and is sent again
// on the next page view.
let sender: Promise<typeof Send>;
function flush(): void {
  if (!cfg.endpoint || !outbox.load().length) return;
  const p = base + 'send.';
  (sender = sender || import(p + cfg.send + '.js').catch(() => import(p + 'js'))).then(
    (m) => m.flush(cfg.endpoint),
    (e) => warn('proof: ' + e + blocked('script-src', base)),
  );
}

function send(event: object): void {
  if (!cfg.endpoint) return;
  outbox.save(outbox.load().concat(JSON.stringify(event)));
  flush();
}

// Once per event and page view (pagehide and visibilitychange both come);
// the server stores an event once. A beacon cannot omit credentials: a
// consent server on the site's own host sees its cookies.
const beaconed: Record<string, boolean> = {};
function beacon(): void {
  if (!cfg.endpoint || !navigator.sendBeacon) return;
  for (const b of outbox.load()) {
    if (!beaconed[b]) beaconed[b] = navigator.sendBeacon(cfg.endpoint + '/v1/consents', new Blob([b], { type: 'text/plain' }));
  }
}

let failed: HTMLElement | null = null;

// Neither module loaded: say so, in the visitor's language, and offer a reload.
function loadFailed(e: unknown): void {
  warn('dialog: ' + e + blocked('script-src', base));
  ready().then((L) => {
    if (failed) return;
    failed = ui.failed(L, () => location.reload(), () => {
      if (failed) failed.remove();
      failed = null;
    });
    pop(failed);
  });
}

function open(): void {
  if (dlg) return;
  // The control that opened it, inside our shadow root or on the page.
  back = document.activeElement == host ? root.activeElement : document.activeElement;
  Promise.all([dialogModule(), loadCss()]).then(([m]) => {
    if (dlg) return;
    style(root, m.css, base + cfg.css);
    dlg = m.dialog(cfg.cats, {
      granted: (id) => !!st && st.method != 'gpc' ? granted(id) : false,
      gpc,
      id: st ? st.id : keepId,
      save: (ids, method) => {
        choose(ids, method);
        closeDialog();
      },
      close: closeDialog,
    });
    root.append(dlg);
    dlg.showModal();
  }, loadFailed);
}

function showBanner(): Promise<void> {
  return ready().then((L) => {
    if (bannerEl || (st && st.method != 'gpc')) return;
    bannerEl = ui.banner(L, {
      accept: () => choose(optional(), 'accept_all'),
      reject: () => choose([], 'reject_all'),
      prefs: open,
    });
    pop(bannerEl);
    mark('banner');
    // Announced, not focused: the visitor may be typing in the page.
    setTimeout(() => (live.textContent = L.s[K.title]), 99);
  });
}

// A gated iframe waits behind a placeholder (placeholder.ts, loaded for pages
// that have one, or its stable alias after a deploy).
let placeholder: Promise<typeof Placeholder>;
function hold(f: HTMLIFrameElement): void {
  const cats = f.getAttribute('data-consent') || '';
  const vendor = f.getAttribute('data-vendor');
  const p = base + 'placeholder.';
  placeholder = placeholder || import(p + cfg.ph + '.js').catch(() => import(p + 'js'));
  Promise.all([ready(), placeholder]).then(([L, m]) => {
    const q = f.parentElement;
    if (allowed(cats, vendor) || !q || q.localName == 'notis-embed') return;
    m.hold(f, cats, vendor, {
      l: L.l, text: L.s[K.placeholder_text], button: L.s[K.placeholder_button], c: L.c, v: cfg.v, granted,
      grant: (ids) => choose((st ? st.granted : []).concat(ids), 'custom'),
      css: styles, href: base + cfg.css,
    });
  }, (e) => warn('placeholder: ' + e + blocked('script-src', base)));
}

function init(): void {
  document.addEventListener('click', (e) => {
    const el = e.target instanceof Element && e.target.closest('[data-notis-open]');
    if (el) {
      e.preventDefault();
      open();
    }
  });
  // The page element the visitor was last in, to return to after a choice
  // (it may have had focus before the banner loaded).
  if (document.activeElement != document.body) last = document.activeElement as HTMLElement;
  document.addEventListener('focusin', (e) => {
    const t = e.target as HTMLElement;
    if (t != host && t.localName != 'notis-embed') last = t;
  });
  addEventListener('pagehide', beacon);
  document.addEventListener('visibilitychange', () => document.visibilityState == 'hidden' && beacon());
  // 2. A stored choice applies at once.
  if (st) {
    gcm.consentUpdate(granted);
    fire(st.method);
  }
  // 3. Ask when there is no explicit choice for this consent version (GPC
  // answers for the marketing categories only). The banner comes first;
  // placeholders, the GPC record and the outbox right after it.
  const rest = cfg.cats.some((c) => !c.req && !c.gpc);
  const ask = st ? st.method == 'gpc' && rest : !gpc || rest;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    gate.start(allowed, hold);
    if (!st && gpc) choose([], 'gpc');
    flush();
  };
  if (!ask) return start();
  showBanner().then(() => {
    requestAnimationFrame(() => setTimeout(start)); // after the banner's first frame
    setTimeout(start, 200); // rAF waits while the tab is hidden
  });
}

(window as Window & { notis?: object }).notis = {
  open,
  /** The current choice: {id, version, choices, method}, or null before the visitor has chosen. */
  consent: () => (st ? { id: st.id, version: cfg.version, choices: choices(), method: st.method } : null),
};

if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
