// notis consent banner: start-up and the visitor's choices. Reading order:
// config.ts (what the build baked in), cookie.ts (the stored choice), gcm.ts
// (Consent Mode), gate.ts (blocked scripts and iframes), i18n.ts, ui.ts
// (banner, placeholder), dialog.ts (preferences, loaded when opened),
// send.ts (proof to the consent server).
import { cfg, base, warn, blocked } from './config';
import * as cookie from './cookie';
import * as gcm from './gcm';
import * as gate from './gate';
import { lang, strings } from './i18n';
import * as ui from './ui';
import { adopt } from './dom';
import type * as Dialog from './dialog';
import { send, flush, beacon } from './send';
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
const allowed = (cats: string) => cats.split(' ').every((c) => !c || granted(c));

let bannerEl: HTMLElement | null = null;
let dlg: HTMLDialogElement | null = null;
let back: Element | null = null;
let css: Promise<void>;

// The styles: a constructed stylesheet from the CSS in the bundle (no
// request), else a <link> to consent.css (which also has the dialog's).
function loadCss(): Promise<void> {
  return (css =
    css ||
    new Promise((done) => {
      if (adopt(styles)) return done();
      const l = document.createElement('link');
      l.rel = 'stylesheet';
      l.href = base + cfg.css;
      l.onload = l.onerror = () => done();
      document.head.append(l);
    }));
}

// Texts and styles first, then the element: the banner appears styled, at once, without shifting the page.
const ready = () => Promise.all([strings(), loadCss()]).then(([L]) => L);

function choices(): Record<string, boolean> {
  const o: Record<string, boolean> = {};
  for (const c of cfg.cats) o[c.id] = granted(c.id);
  return o;
}

function fire(method: string): void {
  const detail = { id: st && st.id, version: cfg.version, choices: choices(), method };
  document.dispatchEvent(new CustomEvent('notis:consent', { detail, bubbles: true }));
}

/** Records a choice: cookie, cookie clean-up on withdrawal, Consent Mode, gated tags, proof, event. */
function choose(ids: string[], method: string): void {
  const before = st ? st.granted : [];
  const gone = before.filter((id) => ids.indexOf(id) < 0);
  if (method == 'custom' && gone.length && ids.every((id) => before.indexOf(id) >= 0)) method = 'withdraw';
  st = { id: (st && st.id) || keepId || cookie.uuid(), version: cfg.version, granted: ids, time: Date.now(), method };
  cookie.write(st, cfg.days);
  for (const c of cfg.cats) {
    if (gone.indexOf(c.id) >= 0 && c.del) cookie.remove(c.del);
  }
  gcm.consentUpdate(granted);
  gate.apply();
  send({
    v: 1, event: cookie.uuid(), id: st.id, site: cfg.site, version: cfg.version, lang,
    choices: choices(), method, gpc, url: location.origin + location.pathname,
  });
  fire(method);
  if (method != 'gpc' && bannerEl) {
    bannerEl.remove();
    bannerEl = null;
  }
}

const optional = () => cfg.cats.filter((c) => !c.req).map((c) => c.id);

function closeDialog(): void {
  if (!dlg) return;
  dlg.close();
  dlg.remove();
  dlg = null;
  const to = back && back.isConnected ? back : bannerEl;
  if (to) (to as HTMLElement).focus();
}

// The preferences dialog module: its hashed file, else (gone after a
// deploy) its stable alias prefs.<lang>.js, whichever version that is now.
const dialogModule = (p = base + 'prefs.' + lang + '.'): Promise<typeof Dialog> =>
  import(p + cfg.prefs[lang] + '.js').catch(() => import(p + 'js'));

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
    document.body.append(failed);
  });
}

function open(): void {
  if (dlg) return;
  back = document.activeElement;
  Promise.all([dialogModule(), loadCss()]).then(([m]) => {
    if (dlg) return;
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
    document.body.append(dlg);
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
    document.body.append(bannerEl);
    mark('banner');
    bannerEl.focus({ preventScroll: true }); // a fixed element: never scroll the page
  });
}

// A gated iframe keeps its place and size (hidden, in a wrapper) and the
// placeholder lies over it, so nothing on the page moves.
function hold(f: HTMLIFrameElement): void {
  const cats = f.getAttribute('data-consent') || '';
  ready().then((L) => {
    if (allowed(cats) || !f.isConnected || f.classList.contains('notis-off')) return;
    let w = f.parentElement as HTMLElement;
    if (!w.classList.contains('notis-ph-wrap')) {
      w = document.createElement('div');
      w.className = 'notis-ph-wrap';
      f.before(w);
      w.append(f); // it has no src yet: moving it loses nothing
    }
    f.classList.add('notis-off');
    f.after(ui.placeholder(L, cats, () => {
      choose((st ? st.granted : []).concat(cats.split(' ').filter((c) => !granted(c))), 'custom');
    }));
  });
}

function init(): void {
  document.addEventListener('click', (e) => {
    const el = e.target instanceof Element && e.target.closest('[data-notis-open]');
    if (el) {
      e.preventDefault();
      open();
    }
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
