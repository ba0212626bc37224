// Proof of consent: each choice is an event POSTed to {endpoint}/v1/consents
// as JSON with Content-Type text/plain (a CORS-simple request, so no
// preflight). Events wait in a small localStorage outbox and are retried,
// with the same event id, until the server answers; sendBeacon is used only
// when the page is being hidden. Nothing leaves the outbox unseen: every
// event dropped without being stored is named in a console warning.
import { cfg, warn, blocked } from './config';

const KEY = 'notis_outbox';
const MAX = 10;
/** How long an event whose consent version the server has not seen yet keeps waiting (ms). */
export const HOLD = 7 * 864e5;
let busy = false;
let wait = 2000;
let timer = 0;

const url = () => cfg.endpoint + '/v1/consents';

let told = false;

function load(): string[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '[]');
  } catch (e) {
    return [];
  }
}

const idOf = (b: string) => (b.match(/"event":"([^"]*)"/) || [])[1] || '?';

function save(q: string[]): void {
  for (const b of q.slice(0, -MAX)) warn('outbox full: event ' + idOf(b) + ' dropped');
  try {
    if (q.length) localStorage.setItem(KEY, JSON.stringify(q.slice(-MAX)));
    else localStorage.removeItem(KEY);
  } catch (e) {
    // storage blocked: the event is sent once, without retries
  }
}

export function send(event: object): void {
  if (!cfg.endpoint) return;
  const body = JSON.stringify(event);
  save(load().concat(body));
  flush(body);
}

// When an event was made: its id is a version 7 UUID, whose first 48 bits
// are the time in milliseconds (cookie.ts, uuid).
const made = (b: string) => parseInt(idOf(b).replace(/-/g, '').slice(0, 12), 16) || 0;

// Retry-After in milliseconds (notis's server gives seconds).
const after = (r: Response) => +(r.headers.get('Retry-After') || 0) * 1000 || 0;

/** Sends the oldest waiting event, then the next; one request at a time. */
export function flush(body?: string): void {
  const b = body || load()[0];
  if (busy || !b || !cfg.endpoint) return;
  busy = true;
  // Done with b: the server stored it or refused it for good.
  const drop = () => {
    busy = false;
    save(load().filter((x) => x != b));
    wait = 2000;
    flush();
  };
  // Not yet: back off, doubling up to a minute, or longer if the server says so.
  const retry = (ms: number) => {
    busy = false;
    clearTimeout(timer);
    timer = window.setTimeout(flush, Math.max(wait, ms));
    wait = Math.min(wait * 2, 60000);
  };
  fetch(url(), {
    method: 'POST',
    body: b,
    headers: { 'Content-Type': 'text/plain' },
    keepalive: true,
    credentials: 'omit',
  }).then(
    (r) => {
      if (r.ok) return drop();
      if (r.status == 429 || r.status > 499) return retry(after(r));
      return r.text().then((t) => {
        let code = t.slice(0, 200);
        try {
          const j = JSON.parse(t);
          code = j.error + (j.field ? ' (' + j.field + ')' : '');
        } catch (e) {
          // not JSON: the text itself names the reason
        }
        // 409 version_unknown: the server has not seen this consent version
        // yet (a deploy under way). Keep the event and retry for a week.
        const age = Date.now() - made(b);
        if (r.status == 409 && code == 'version_unknown' && age < HOLD) return retry(after(r));
        warn(r.status + ' ' + code + (r.status == 409 ? ' for 7 days' : '') + ': event ' + idOf(b) + ' dropped');
        drop();
      });
    },
    () => {
      if (!told) warn(url() + ' unreachable' + blocked('connect-src', cfg.endpoint));
      told = true;
      retry(0);
    },
  ).catch(() => retry(0));
}

const beaconed: Record<string, boolean> = {};

/**
 * When the page is hidden: hand what is still waiting to sendBeacon, once
 * per event and page view (pagehide and visibilitychange both come). The
 * outbox keeps it; the server stores an event once. A beacon cannot omit
 * credentials: a consent server on the site's own host sees its cookies.
 */
export function beacon(): void {
  if (!cfg.endpoint || !navigator.sendBeacon) return;
  for (const b of load()) {
    if (!beaconed[b]) beaconed[b] = navigator.sendBeacon(url(), new Blob([b], { type: 'text/plain' }));
  }
}
