// Console messages for site owners: each names notis, and a request that
// failed names the CSP directive that could have blocked it.

/** A console warning that names notis, so a site owner can find it. */
export const warn = (msg: string) => console.warn('notis: ' + msg);

/** The hint for a request that the page's Content Security Policy may block. */
export const blocked = (directive: string, url: string) =>
  ' (a CSP must allow ' + new URL(url, location.href).origin + ' in ' + directive + ')';
