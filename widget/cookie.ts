// The notis_consent cookie: the visitor's choice, well under 200 bytes:
//   <consent id>.<consent version>.<granted ids joined by +>.<time, base36 s>.<method>
// e.g. 2f1c…-…e9.3a7be10c42f1.analytics+marketing.t4kq2b.0

const NAME = 'notis_consent';
export const METHODS = ['accept_all', 'reject_all', 'custom', 'withdraw', 'gpc'];

export interface Stored {
  id: string;
  version: string;
  granted: string[];
  time: number;
  method: string;
}

export function read(): Stored | null {
  const m = document.cookie.match(/(?:^|;\s*)notis_consent=([^;]*)/);
  const p = m ? m[1].split('.') : [];
  if (p.length != 5) return null;
  return {
    id: p[0],
    version: p[1],
    granted: p[2] ? p[2].split('+') : [],
    time: parseInt(p[3], 36) * 1000,
    method: METHODS[+p[4]] || 'custom',
  };
}

export function write(s: Stored, days: number): void {
  const v = [s.id, s.version, s.granted.join('+'), Math.floor(s.time / 1000).toString(36), METHODS.indexOf(s.method)];
  document.cookie = NAME + '=' + v.join('.') + '; Path=/; Max-Age=' + days * 86400 + '; SameSite=Lax' +
    (location.protocol == 'https:' ? '; Secure' : '');
}

/**
 * Deletes cookies by name (a trailing * matches a prefix) wherever this
 * page can reach them: on this host and each parent domain, on each path
 * from / down to this page's (a cookie is deleted only with the Domain and
 * Path it was set with, which document.cookie does not tell).
 */
export function remove(names: string[]): void {
  const have = document.cookie.split(/;\s*/).map((c) => c.split('=')[0]);
  const host = location.hostname.split('.');
  const path = location.pathname.split('/');
  for (const n of names) {
    for (const c of have) {
      if (n.slice(-1) == '*' ? c.indexOf(n.slice(0, -1)) != 0 : c != n) continue;
      for (let i = 0; i < host.length; i++) {
        for (let j = 1; j <= path.length; j++) {
          document.cookie = c + '=; Max-Age=0; Path=' + (path.slice(0, j).join('/') || '/') +
            (i ? '; Domain=' + host.slice(i - 1).join('.') : '');
        }
      }
    }
  }
}

/**
 * A version 7 UUID (RFC 9562): the time in milliseconds, then random bits.
 * Ids made in time order land at the end of the consent server's indexes
 * instead of on a random page each, which keeps its commits small. The
 * time reveals nothing the record and the cookie do not already hold.
 * (crypto.randomUUID makes version 4 only, and needs a secure context.)
 */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5, t = Date.now(); i >= 0; i--, t = Math.floor(t / 256)) b[i] = t % 256;
  b[6] = (b[6] & 15) | 112;
  b[8] = (b[8] & 63) | 128;
  let s = '';
  b.forEach((x, i) => (s += (i == 4 || i == 6 || i == 8 || i == 10 ? '-' : '') + (x + 256).toString(16).slice(1)));
  return s;
}
