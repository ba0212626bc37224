// Proof of consent: each choice is an event POSTed to {endpoint}/v1/consents
// as JSON with Content-Type text/plain (a CORS-simple request, so no
// preflight). Events wait in a small localStorage outbox and are retried,
// with the same event id, until the server answers; sendBeacon is used only
// when the page is being hidden.
import { cfg } from './config';

const KEY = 'notis_outbox';
let busy = false;
let wait = 2000;
let timer = 0;

const url = () => cfg.endpoint + '/v1/consents';

function load(): string[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '[]');
  } catch (e) {
    return [];
  }
}

function save(q: string[]): void {
  try {
    if (q.length) localStorage.setItem(KEY, JSON.stringify(q.slice(-10)));
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

/** Sends the oldest waiting event, then the next; one request at a time. */
export function flush(body?: string): void {
  const b = body || load()[0];
  if (busy || !b || !cfg.endpoint) return;
  busy = true;
  const done = (answered: boolean) => {
    busy = false;
    if (answered) {
      save(load().filter((x) => x != b));
      wait = 2000;
      flush();
    } else {
      clearTimeout(timer);
      timer = window.setTimeout(flush, wait);
      wait = Math.min(wait * 2, 60000);
    }
  };
  fetch(url(), {
    method: 'POST',
    body: b,
    headers: { 'Content-Type': 'text/plain' },
    keepalive: true,
    credentials: 'omit',
  }).then(
    // 2xx stored; 400/403/413 will never be stored: drop. 429 and 5xx: retry.
    (r) => done(r.status < 500 && r.status != 429),
    () => done(false),
  );
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
