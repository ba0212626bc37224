// Google Consent Mode v2: every signal denied by default, synchronously when
// the banner starts, then an update from the visitor's choice. The category
// → signal mapping comes from notis.toml ([consent] google_consent_mode).
import { cfg } from './config';

type W = Window & { dataLayer?: unknown[] };

// gtag() as Google defines it: it pushes its arguments object.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
function gtag(_cmd: string, _what: string | object, _v?: object): void {
  const w = window as W;
  // eslint-disable-next-line prefer-rest-params
  (w.dataLayer = w.dataLayer || []).push(arguments);
}

function signals(ok: (cat: string) => boolean): Record<string, string | number> {
  const o: Record<string, string | number> = {};
  for (const s of cfg.sig) o[s] = 'denied';
  for (const c in cfg.gcm) if (ok(c)) for (const s of cfg.gcm[c]) o[s] = 'granted';
  return o;
}

export function consentDefault(): void {
  if (!cfg.sig.length) return;
  const o = signals(() => false);
  o.wait_for_update = 500;
  gtag('consent', 'default', o);
}

export function consentUpdate(ok: (cat: string) => boolean): void {
  if (!cfg.sig.length) return;
  gtag('consent', 'update', signals(ok));
  ((window as W).dataLayer as unknown[]).push({ event: 'notis_consent' });
}
