// Proof of consent, a module main.ts loads (import()) once an event waits
// in the outbox: each event is POSTed to {endpoint}/v1/consents as JSON
// with Content-Type text/plain (a CORS-simple request, so no preflight)
// and retried, with the same event id, until the server answers. Nothing
// leaves the outbox unseen: every event dropped without being stored is
// named in a console warning (docs/banner.md, Proof: the wire format).
import { warn, blocked } from './log';
import { load, save, idOf } from './outbox';

/** How long an event whose consent version the server has not seen yet keeps waiting (ms). */
const HOLD = 7 * 864e5;
let endpoint = '';
let busy = false;
let wait = 2000;
let timer = 0;
let told = false;

// When an event was made: its id is a version 7 UUID, whose first 48 bits
// are the time in milliseconds (cookie.ts, uuid).
const made = (b: string) => parseInt(idOf(b).replace(/-/g, '').slice(0, 12), 16) || 0;

// Retry-After in milliseconds (notis's server gives seconds).
const after = (r: Response) => +(r.headers.get('Retry-After') || 0) * 1000 || 0;

/** Sends the oldest waiting event, then the next; one request at a time. */
export function flush(to?: string): void {
  if (to) endpoint = to;
  const b = load()[0];
  if (busy || !b) return;
  busy = true;
  const url = endpoint + '/v1/consents';
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
  fetch(url, {
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
        let code = t;
        try {
          const j = JSON.parse(t);
          code = j.error + (j.field ? ' (' + j.field + ')' : '');
        } catch (e) {
          // not JSON: the text itself names the reason
        }
        // 409 version_unknown: the server has not seen this consent version
        // yet (a deploy under way). Keep the event and retry for a week.
        if (r.status == 409 && code == 'version_unknown' && Date.now() - made(b) < HOLD) return retry(after(r));
        warn(r.status + ' ' + code + (r.status == 409 ? ' for 7 days' : '') + ': event ' + idOf(b) + ' dropped');
        drop();
      });
    },
    () => {
      if (!told) warn(url + ' unreachable' + blocked('connect-src', url));
      told = true;
      retry(0);
    },
  ).catch(() => retry(0));
}
