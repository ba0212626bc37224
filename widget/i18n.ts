// The visitor's language and its first-layer texts. The default language's
// are in the bundle; any other language's are one small JSON file, fetched
// only when a banner or placeholder must be shown in it. (The dialog's
// texts travel with the dialog module, one per language.)
import { cfg, base, data, Lang } from './config';
import { warn, blocked } from './log';

// The page's own attribute is the host's text: only the site's own
// language codes count (not "constructor", which `in` finds on every
// object), and sv_SE is read as sv-SE.
const has = (x: string) => cfg.langs.hasOwnProperty(x);

function pick(): string {
  const want = [data.lang, document.documentElement.lang].concat(navigator.languages || []);
  for (const w of want) {
    const x = (w || '').toLowerCase().replace('_', '-');
    if (has(x)) return x;
    if (has(x.split('-')[0])) return x.split('-')[0];
  }
  return cfg.lang;
}

export const lang = pick();

let texts: Promise<Lang>;

const get = (file: string): Promise<Lang> =>
  fetch(base + file, { credentials: 'omit' }).then((r) => {
    if (!r.ok) throw r.status;
    return r.json();
  });

/**
 * The visitor's language's first-layer texts. A language file missing
 * after a deploy (its hashed name gone) is read through its stable alias,
 * lang/<lang>.json; failing that, the default language shows, with a
 * console warning that says why.
 */
export function strings(): Promise<Lang> {
  return (texts =
    texts ||
    (lang == cfg.lang
      ? Promise.resolve(cfg.t)
      : get('lang/' + lang + '.' + cfg.langs[lang] + '.json')
          .catch(() => get('lang/' + lang + '.json'))
          .catch((e) => {
            warn(lang + ' texts: ' + e + blocked('connect-src', base));
            return cfg.t;
          })));
}

