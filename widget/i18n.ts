// The visitor's language and its first-layer texts. The default language's
// are in the bundle; any other language's are one small JSON file, fetched
// only when a banner or placeholder must be shown in it. (The dialog's
// texts travel with the dialog module, one per language.)
import { cfg, base, data, Lang } from './config';

function pick(): string {
  const want = [data.lang, document.documentElement.lang].concat(navigator.languages || []);
  for (const w of want) {
    const x = (w || '').toLowerCase();
    if (x in cfg.langs) return x;
    if (x.split('-')[0] in cfg.langs) return x.split('-')[0];
  }
  return cfg.lang;
}

export const lang = pick();

let texts: Promise<Lang>;

export function strings(): Promise<Lang> {
  return (texts =
    texts ||
    (lang == cfg.lang
      ? Promise.resolve(cfg.t)
      : fetch(base + cfg.langs[lang], { credentials: 'omit' })
          .then((r) => (r.ok ? r.json() : cfg.t))
          .catch(() => cfg.t)));
}

