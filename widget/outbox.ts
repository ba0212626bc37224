// The outbox: consent events waiting for the consent server, in
// localStorage (at most 10), until it stores them or refuses them for
// good. main.ts adds to it and hands it to sendBeacon when the page is
// hidden; send.ts, loaded once there is something to send, posts it.
import { warn } from './log';

const KEY = 'notis_outbox';
const MAX = 10;

export function load(): string[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '[]');
  } catch (e) {
    return [];
  }
}

/** An event's id, for messages. */
export const idOf = (b: string) => (b.match(/"event":"([^"]*)"/) || [])[1] || '?';

export function save(q: string[]): void {
  for (const b of q.slice(0, -MAX)) warn('outbox full, dropped ' + idOf(b));
  try {
    if (q.length) localStorage.setItem(KEY, JSON.stringify(q.slice(-MAX)));
    else localStorage.removeItem(KEY);
  } catch (e) {
    // storage blocked: the event is sent once, without retries
  }
}
