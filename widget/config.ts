// The site's configuration, baked into the bundle by `notis build` (see
// internal/widget): categories, cookies, endpoint, consent version and the
// default language's texts. Nothing here comes from the embedding page
// except the data-* attributes of the banner's own <script> tag.
import raw from 'notis:config';

/** A category: id, required (necessary), gpc (denied under Global Privacy Control). */
export interface Cat {
  id: string;
  req?: boolean;
  gpc?: boolean;
  /** its first-party cookies, deleted on withdrawal; a name ending in * is a prefix */
  del?: string[];
}

/**
 * The first layer's strings, by index: the build writes them in this order
 * (firstKeys in internal/widget/build.go; a test keeps the two equal).
 * An array instead of an object keeps the key names out of the bundle.
 */
export const enum K {
  title, body, accept_all, reject_all, preferences, notice_link, placeholder_text, placeholder_button, load_failed, reload, close,
}

/** One language's first-layer texts: its code, banner strings (by K), category labels, notice URL. */
export interface Lang {
  l: string;
  s: string[];
  c: Record<string, string>;
  n: string;
}

export interface Conf {
  site: string;
  endpoint: string;
  version: string;
  days: number;
  /** default language; its texts are `t` */
  lang: string;
  /** language → the hash in its texts' file name, lang/<lang>.<hash>.json; "" for the default */
  langs: Record<string, string>;
  /** language → the hash in its dialog module's name, prefs.<lang>.<hash>.js */
  prefs: Record<string, string>;
  /** the hash in the proof module's name, send.<hash>.js */
  send: string;
  /** the hash in the placeholder module's name, placeholder.<hash>.js */
  ph: string;
  /** Consent Mode: category → signals, and every signal the default denies */
  gcm: Record<string, string[]>;
  sig: string[];
  cats: Cat[];
  /** the vendor grants a placeholder may make, as choices keys: "marketing:youtube" (notis.toml [consent.vendors]) */
  v: string[];
  /** consent.css (first layer and dialog), for browsers without constructable stylesheets */
  css: string;
  t: Lang;
}

export const cfg = raw as Conf;

const me = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;

/** The directory the banner was loaded from: its CSS and language files live beside it. */
export const base = me && me.src ? me.src.replace(/[^/]*$/, '') : '/consent/';

/** The data-* attributes of the banner's own script tag. */
export const data: DOMStringMap = (me && me.dataset) || {};

